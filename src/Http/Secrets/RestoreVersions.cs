using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Auth;
using Wolverine.Http;

namespace ScaiVault.Http.Secrets;

public static class RestoreVersionsEndpoint
{
    /// <summary>Brings soft-deleted versions back. A destroyed version cannot come back: 409 <c>version_destroyed</c>.</summary>
    [Authorize(Policy = Scopes.SecretsWrite)]
    [WolverinePost("/v1/undelete/{*path}")]
    public static Task<IResult> Post(HttpContext context, ClaimsPrincipal user, SecretStore secrets, PathAccess access) =>
        VersionOperation.RunAsync(context, user, secrets, access, PolicyAction.Delete, "/v1/undelete/", SecretDecisions.Restore);
}
