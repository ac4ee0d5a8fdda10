using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Auth;
using Wolverine.Http;

namespace ScaiVault.Http.Secrets;

public static class DestroyVersionsEndpoint
{
    /// <summary>Destroys versions for good: their data keys are deleted, so the ciphertext in the event log is noise.</summary>
    [Authorize(Policy = Scopes.SecretsWrite)]
    [WolverinePost("/v1/destroy/{*path}")]
    public static Task<IResult> Post(HttpContext context, ClaimsPrincipal user, SecretStore secrets, PathAccess access) =>
        VersionOperation.RunAsync(context, user, secrets, access, PolicyAction.Destroy, "/v1/destroy/", SecretDecisions.Destroy);
}
