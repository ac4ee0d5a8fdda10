using System.Security.Claims;

namespace ScaiVault.Http.Auth;

/// <summary>Who is asking, resolved once per request from the authenticated principal.</summary>
public sealed record Caller(string ActorId, string TenantId, bool IsRoot, IReadOnlyList<string> Groups, IReadOnlyList<string> Roles);

public static class CallerClaims
{
    public const string Subject = "sub";
    public const string Tenant = "tenant_id";
    public const string Groups = "groups";
    public const string Roles = "roles";
    public const string Root = "scaivault_root";
    public const string DefaultTenant = "default";
    public const string PartnerAdmin = "partner-admin";

    /// <summary>The one place a principal becomes a caller: JWT and root token alike.</summary>
    public static Caller ToCaller(this ClaimsPrincipal user) => new(
        user.FindFirstValue(Subject) ?? throw new InvalidOperationException("An authenticated principal has no subject."),
        user.FindFirstValue(Tenant) ?? DefaultTenant,
        user.HasClaim(Root, "true"),
        [.. user.FindAll(Groups).Select(c => c.Value)],
        [.. user.FindAll(Roles).Select(c => c.Value)]);
}
