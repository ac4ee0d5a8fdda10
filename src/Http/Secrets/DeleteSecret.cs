using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Auth;
using Wolverine.Http;

namespace ScaiVault.Http.Secrets;

public static class DeleteSecretEndpoint
{
    /// <summary>Deletes the whole secret: every version is destroyed (its data key shredded) and the path is free again.</summary>
    [Authorize(Policy = Scopes.SecretsWrite)]
    [WolverineDelete("/v1/secrets/{*path}")]
    public static async Task<IResult> Delete(HttpContext context, ClaimsPrincipal user, SecretStore secrets, PathAccess access)
    {
        if (!SecretRoute.TryGetPath(context, "/v1/secrets/", out var path, out var pathError)) return pathError.ToResult();
        context.Audit().Path = path;
        if (await access.CheckAsync(user.ToCaller(), PolicyAction.Delete, path, context.RequestAborted) is { } denied) return denied.ToResult();
        var error = await secrets.ChangeAsync(user.ToCaller(), path, SecretDecisions.DeleteSecret, context.RequestAborted);
        return error?.ToResult() ?? Results.NoContent();
    }
}
