using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Federation;

public static class ListConflictsEndpoint
{
    /// <summary>Open conflicts (manual resolution): paths changed both locally and in the backend since their last sync, excluded from sync until resolved.</summary>
    [Authorize(Policy = Scopes.FederationRead)]
    [WolverineGet("/v1/federation/backends/{id}/conflicts")]
    public static async Task<IResult> Get(string id, HttpContext context, ClaimsPrincipal user, FederationStore backends)
    {
        var tenant = user.ToCaller().TenantId;
        if (await backends.LoadAsync(tenant, id, context.RequestAborted) is null) return FederationStore.NotFound().ToResult();
        var (_, conflicts) = await backends.ReadModelsAsync(tenant, id, context.RequestAborted);
        return JsonResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteStartArray("conflicts");
            foreach (var conflict in (conflicts?.Open.Values ?? []).OrderBy(c => c.Path, StringComparer.Ordinal)) BackendJson.WriteConflict(json, conflict);
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }
}
