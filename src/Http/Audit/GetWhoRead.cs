using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Audit;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Json;
using ScaiVault.Http.Secrets;
using Wolverine.Http;

namespace ScaiVault.Http.Audit;

public static class GetWhoReadEndpoint
{
    /// <summary>
    /// <c>GET /v1/audit/reads?path=P&amp;from=T1&amp;to=T2</c>: who read P in the caller's tenant between T1 and T2
    /// (ISO 8601 or relative; <c>to</c> defaults to now) and which version each got, from the audit events.
    /// </summary>
    [Authorize(Policy = Scopes.AuditRead)]
    [WolverineGet("/v1/audit/reads")]
    public static async Task<IResult> Get(HttpContext context, ClaimsPrincipal user, IDocumentStore store, TimeProvider clock)
    {
        var query = context.Request.Query;
        foreach (var key in query.Keys)
            if (key is not ("path" or "from" or "to"))
                return ApiError.BadRequest(ErrorCodes.InvalidRequest, "The parameters are path, from and to.").ToResult();
        var path = query["path"].ToString();
        if (!SecretPath.TryValidate(path, out var pathError))
            return ApiError.BadRequest(ErrorCodes.InvalidPath, "path: " + pathError).ToResult();
        context.Audit().Path = path;

        var now = clock.GetUtcNow();
        if (!RelativeTime.TryParse(query["from"].ToString(), now, out var from))
            return new ApiError(400, ErrorCodes.InvalidTime, "from is required: ISO 8601, 'now', or a time ago ('1 hour ago', '15m').").ToResult();
        var to = now;
        if (query["to"].ToString() is { Length: > 0 } rawTo && !RelativeTime.TryParse(rawTo, now, out to))
            return new ApiError(400, ErrorCodes.InvalidTime, "to must be ISO 8601, 'now', or a time ago ('1 hour ago', '15m').").ToResult();
        if (from > to) return new ApiError(400, ErrorCodes.InvalidTime, "from is later than to.").ToResult();

        var (reads, truncated) = await WhoRead.FindAsync(store, user.ToCaller().TenantId, path, from, to, context.RequestAborted);
        return JsonResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("path", path);
            SecretJson.WriteTime(json, "from", from);
            SecretJson.WriteTime(json, "to", to);
            json.WriteStartArray("reads");
            foreach (var r in reads)
            {
                json.WriteStartObject();
                SecretJson.WriteTime(json, "time", r.At);
                json.WriteString("identity_id", r.IdentityId);
                json.WriteString("actor_id", r.ActorId);
                if (r.Version is { } v) json.WriteNumber("version", v);
                else json.WriteNull("version");
                json.WriteString("source", r.Source);
                json.WriteString("request_id", r.RequestId);
                json.WriteString("client_address", r.ClientAddress);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteBoolean("truncated", truncated);
            json.WriteEndObject();
        });
    }
}
