using Marten;
using ScaiVault.Domain.Identities;

namespace ScaiVault.Http.Identities;

/// <summary>
/// What ScaiKey last told ScaiVault about a user. <see cref="ProfileKnown"/> is false while only group
/// membership changes were received (no <c>user.updated</c> yet): roles and disabled are then unknown,
/// not empty and false. A deleted user has no groups and no roles. <see cref="RemovedGroups"/> are the
/// groups whose last membership change was a removal.
/// </summary>
public sealed record CachedIdentity(
    string TenantId,
    string UserId,
    IReadOnlyList<string> Groups,
    IReadOnlyList<string> Roles,
    bool Disabled,
    bool Deleted,
    bool ProfileKnown,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<string> RemovedGroups);

/// <summary>
/// The identity cache fed by ScaiKey webhooks: one primary-key load of the inline-projected
/// <see cref="Identity"/> document per call and no in-process copy, so a change is seen by the very next
/// request on every node once the webhook's transaction committed.
/// </summary>
public sealed class IdentityCache(IDocumentStore store)
{
    /// <summary>Null when ScaiKey never said anything about this user in this tenant (or the ids are malformed).</summary>
    public async Task<CachedIdentity?> GetAsync(string tenantId, string userId, CancellationToken ct)
    {
        if (!ScaiKeyDeliveryValidator.IsTenantId(tenantId) || !ScaiKeyDeliveryValidator.IsName(userId)) return null;
        await using var session = store.QuerySession(tenantId);
        var identity = await session.LoadAsync<Identity>(Identity.KeyFor(userId), ct);
        return identity is null ? null : From(tenantId, userId, identity);
    }

    /// <summary>The cache's view of an identity document (also of one replayed as of an earlier time).</summary>
    public static CachedIdentity From(string tenantId, string userId, Identity identity) =>
        new(tenantId, userId,
            [.. identity.Groups.Order(StringComparer.Ordinal)],
            [.. identity.Roles.Order(StringComparer.Ordinal)],
            identity.Disabled, identity.Deleted, identity.ProfileAt is not null, identity.UpdatedAt,
            [.. identity.GroupChangedAt.Keys.Where(g => !identity.Groups.Contains(g)).Order(StringComparer.Ordinal)]);
}
