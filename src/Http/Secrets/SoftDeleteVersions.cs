using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Auth;
using Wolverine.Http;

namespace ScaiVault.Http.Secrets;

public static class SoftDeleteVersionsEndpoint
{
    /// <summary>Hides versions from reads; they can be restored. No body, or no versions, means the current version.</summary>
    [Authorize(Policy = Scopes.SecretsWrite)]
    [WolverinePost("/v1/delete/{*path}")]
    public static Task<IResult> Post(HttpContext context, ClaimsPrincipal user, SecretStore secrets, PathAccess access) =>
        VersionOperation.RunAsync(context, user, secrets, access, PolicyAction.Delete, "/v1/delete/", SecretDecisions.SoftDelete);
}
