using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Federation;

public static class ListBackendsEndpoint
{
    /// <summary>The tenant's backends, oldest first (the order that decides between overlapping mappings).</summary>
    [Authorize(Policy = Scopes.FederationRead)]
    [WolverineGet("/v1/federation/backends")]
    public static async Task<IResult> Get(HttpContext context, ClaimsPrincipal user, FederationStore backends)
    {
        var list = await backends.ListAsync(user.ToCaller().TenantId, context.RequestAborted);
        return JsonResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("backends");
            foreach (var backend in list) BackendJson.Write(json, backend);
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }
}
