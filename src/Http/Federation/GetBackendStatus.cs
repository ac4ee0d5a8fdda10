using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Federation;

public static class GetBackendStatusEndpoint
{
    /// <summary>
    /// Connection and sync status (federation-reference.md's shape, plus the last sync report and recent
    /// federation events). The connection part is a live, bounded check.
    /// </summary>
    [Authorize(Policy = Scopes.FederationRead)]
    [WolverineGet("/v1/federation/backends/{id}/status")]
    public static async Task<IResult> Get(string id, HttpContext context, ClaimsPrincipal user, FederationStore backends, BackendChecks checks)
    {
        var tenant = user.ToCaller().TenantId;
        var backend = await backends.LoadAsync(tenant, id, context.RequestAborted);
        if (backend is null) return FederationStore.NotFound().ToResult();
        var (status, _) = await backends.ReadModelsAsync(tenant, id, context.RequestAborted);
        var check = await checks.RecentAsync(tenant, backend, status?.ConnectionStatus, context.RequestAborted);
        var (fresh, conflicts) = await backends.ReadModelsAsync(tenant, id, context.RequestAborted);
        if (fresh is null) return FederationStore.NotFound().ToResult();
        return JsonResponse.Ok(json => BackendJson.WriteStatus(json, fresh, check.Connection, check.LatencyMs, conflicts, backend.Settings.WriteThrough));
    }
}
