using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Federation;

public static class GetBackendEndpoint
{
    [Authorize(Policy = Scopes.FederationRead)]
    [WolverineGet("/v1/federation/backends/{id}")]
    public static async Task<IResult> Get(string id, HttpContext context, ClaimsPrincipal user, FederationStore backends)
    {
        var backend = await backends.LoadAsync(user.ToCaller().TenantId, id, context.RequestAborted);
        return backend is null ? FederationStore.NotFound().ToResult() : JsonResponse.Ok(json => BackendJson.Write(json, backend));
    }
}
