using System.Security.Claims;
using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Json;
using ScaiVault.Http.Secrets;
using ScaiVault.Projections.Audit;
using Wolverine.Http;

namespace ScaiVault.Http.Audit;

public static class QueryAuditLogsEndpoint
{
    /// <summary>
    /// The caller's tenant's audit log, newest first, filtered by identity, path (exact or prefix), action,
    /// outcome, request id, token HMAC and time (ISO 8601 or relative), <c>limit</c> at a time with an opaque
    /// <c>next_cursor</c>. Served from the asynchronous audit log view, which trails the events by about a second.
    /// </summary>
    [Authorize(Policy = Scopes.AuditRead)]
    [WolverineGet("/v1/audit/logs")]
    public static async Task<IResult> Get(HttpContext context, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock)
    {
        var (filter, error) = AuditLogFilter.Read(context.Request.Query, clock.GetUtcNow());
        if (error is not null) return error.ToResult();

        var page = await AuditLogQuery.PageAsync(store, user.ToCaller().TenantId, filter!, context.RequestAborted);
        var next = page.Count > filter!.Limit ? AuditLogFilter.Cursor(page[filter.Limit - 1]) : null;
        return JsonResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("entries");
            foreach (var entry in page.Take(filter.Limit)) Write(json, entry);
            json.WriteEndArray();
            json.WriteString("next_cursor", next);
            json.WriteEndObject();
        });
    }

    private static void Write(Utf8JsonWriter json, AuditLogEntry e)
    {
        json.WriteStartObject();
        json.WriteString("id", e.Id.ToString("N"));
        json.WriteString("request_id", e.RequestId);
        SecretJson.WriteTime(json, "time", e.At);
        json.WriteString("identity_id", e.IdentityId);
        json.WriteString("actor_id", e.ActorId);
        json.WriteString("home_tenant_id", e.HomeTenantId);
        json.WriteString("action", e.Action);
        json.WriteString("method", e.Method);
        json.WriteString("target", e.Target);
        json.WriteString("path", e.Path);
        if (e.Version is { } version) json.WriteNumber("version", version);
        else json.WriteNull("version");
        json.WriteString("source", e.Source);
        json.WriteString("outcome", e.Outcome);
        json.WriteNumber("status", e.Status);
        json.WriteString("error_code", e.ErrorCode);
        json.WriteNumber("duration_ms", e.DurationMs);
        json.WriteString("client_address", e.ClientAddress);
        json.WriteString("user_agent", e.UserAgent);
        json.WriteString("token_hmac", e.TokenHmac);
        json.WriteString("chain_id", e.ChainId);
        json.WriteNumber("sequence", e.Sequence);
        json.WriteEndObject();
    }
}
