using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Federation;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Auth;
using Wolverine.Http;

namespace ScaiVault.Http.Federation;

public static class RemoveBackendEndpoint
{
    /// <summary>Removes a backend: proxied paths stop answering from it; secrets a sync imported stay as local secrets.</summary>
    [Authorize(Policy = Scopes.FederationWrite)]
    [WolverineDelete("/v1/federation/backends/{id}")]
    public static async Task<IResult> Delete(string id, HttpContext context, ClaimsPrincipal user, FederationStore backends, BackendAdapters adapters)
    {
        var caller = user.ToCaller();
        context.Audit().Action = "federation.backend.remove";
        context.Audit().Path = id;
        var (_, error) = await backends.ChangeAsync(caller, id, FederationDecisions.Remove, context.RequestAborted);
        if (error is not null) return error.ToResult();
        adapters.Forget(caller.TenantId, id);
        return Results.NoContent();
    }
}
