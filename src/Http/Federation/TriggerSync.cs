using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Federation;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Federation;

public static class TriggerSyncEndpoint
{
    /// <summary>
    /// Asks for a sync now (202): the request is an event on the backend's stream, and the node that holds the
    /// backend's sync agent runs it within a second or so. Follow it with GET …/status (<c>last_run_id</c>, <c>last_report</c>).
    /// </summary>
    [Authorize(Policy = Scopes.FederationWrite)]
    [WolverinePost("/v1/federation/backends/{id}/sync")]
    public static async Task<IResult> Post(string id, HttpContext context, ClaimsPrincipal user, FederationStore backends, TimeProvider clock)
    {
        var caller = user.ToCaller();
        context.Audit().Action = "federation.sync.request";
        context.Audit().Path = id;
        var backend = await backends.LoadAsync(caller.TenantId, id, context.RequestAborted);
        if (backend is null) return FederationStore.NotFound().ToResult();
        if (backend.Settings.Mode != FederationMode.Sync)
            return ApiError.Conflict(FederationErrorCodes.NotSyncMode,
                "This backend is in proxy mode: reads go to it live and there is nothing to sync. PATCH mode to sync first.").ToResult();
        var now = clock.GetUtcNow();
        await backends.AppendAsync(caller.TenantId, id, [new SyncRequested(id, caller.ActorId, now)], context.RequestAborted);
        return new JsonResponse(202, json =>
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("status", "requested");
            Secrets.SecretJson.WriteTime(json, "requested_at", now);
            json.WriteEndObject();
        });
    }
}
