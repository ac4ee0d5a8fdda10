using System.Security.Claims;

namespace ScaiVault.Http.Auth;

/// <summary>
/// The scopes of the product documents. A token carries them in <c>scope</c> (space-separated);
/// <c>admin</c> includes every other one, and the bootstrap root token holds <c>admin</c>.
/// </summary>
public static class Scopes
{
    public const string SecretsRead = "secrets:read";
    public const string SecretsWrite = "secrets:write";
    public const string PoliciesWrite = "policies:write";
    public const string FederationRead = "federation:read";
    public const string FederationWrite = "federation:write";
    public const string AuditRead = "audit:read";
    public const string Admin = "admin";

    public static readonly string[] All = [SecretsRead, SecretsWrite, PoliciesWrite, FederationRead, FederationWrite, AuditRead, Admin];

    public static bool HasScope(this ClaimsPrincipal user, string scope)
    {
        foreach (var claim in user.FindAll("scope"))
            foreach (var granted in claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                if (granted == scope || granted == Admin) return true;
        return false;
    }
}
