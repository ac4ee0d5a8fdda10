using ScaiVault.Domain.Policies;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Identities;
using ScaiVault.Http.Policies;

namespace ScaiVault.Http.Auth;

/// <summary>
/// Policy enforcement on secret paths: the caller's policies (bound to its identity or to one of its
/// groups, as the identity cache knows them) are evaluated; a user ScaiKey deleted or disabled is denied
/// everything. First matching rule wins, no match is 403 <c>access_denied</c>. It runs
/// before any lookup of the path, so a denial reads the same whether or not the secret exists. The
/// bootstrap root token is break-glass and is not subject to policies.
/// </summary>
public sealed class PathAccess(PolicyStore policies, IdentityCache identities, AuthorizationCache cache)
{
    public async Task<ApiError?> CheckAsync(Caller caller, PolicyAction action, string path, CancellationToken ct)
    {
        var allowed = await ForCallerAsync(caller, ct);
        return allowed(action, path) ? null : Denied(action);
    }

    /// <summary>Loads the caller's policies once, for many paths (a listing filters every entry).</summary>
    public async Task<Func<PolicyAction, string, bool>> ForCallerAsync(Caller caller, CancellationToken ct)
    {
        if (caller.IsRoot) return (_, _) => true;
        var known = await cache.IdentityAsync(caller.TenantId, caller.ActorId, () => identities.GetAsync(caller.TenantId, caller.ActorId, ct));
        if (IsLockedOut(known)) return (_, _) => false;
        var subjects = Subjects(caller, known);
        var bound = await cache.PoliciesAsync(caller.TenantId, subjects,
            async () => [.. (await policies.BoundToAsync(caller.TenantId, subjects, ct)).Select(p => p.ToEvaluable())]);
        return (action, path) => PolicyEvaluator.Evaluate(bound, action, path).Allowed;
    }

    /// <summary>A user ScaiKey deleted, or disabled in its last full profile, may do nothing at all.</summary>
    public static bool IsLockedOut(CachedIdentity? known) => known is { Deleted: true } or { ProfileKnown: true, Disabled: true };

    /// <summary>The binding subjects whose policies apply to the caller: its identity and its effective groups.</summary>
    public static string[] Subjects(Caller caller, CachedIdentity? known) =>
        [PolicySubject.Identity(caller.ActorId), .. EffectiveGroups(caller, known).Select(PolicySubject.Group)];

    /// <summary>
    /// What ScaiKey last pushed wins over the token, so a membership change takes effect on the next
    /// request rather than when the token expires: a full profile replaces the token's groups; before
    /// one arrived, pushed additions and removals adjust them.
    /// </summary>
    public static IEnumerable<string> EffectiveGroups(Caller caller, CachedIdentity? known) => known switch
    {
        null => caller.Groups,
        { ProfileKnown: true } => known.Groups,
        _ => caller.Groups.Except(known.RemovedGroups, StringComparer.Ordinal).Union(known.Groups, StringComparer.Ordinal),
    };

    private static ApiError Denied(PolicyAction action) =>
        new(403, ErrorCodes.AccessDenied, $"No policy allows '{action.ToString().ToLowerInvariant()}' on this path for the caller.");
}
