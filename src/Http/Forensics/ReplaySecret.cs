using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Json;
using ScaiVault.Http.Secrets;
using Wolverine.Http;

namespace ScaiVault.Http.Forensics;

public static class ReplaySecretEndpoint
{
    /// <summary>
    /// A secret's metadata and version list as of <c>at</c>, from its events alone; with <c>include_value=true</c>
    /// (admin only) also the value a read would have returned then, if its data key still exists.
    /// </summary>
    [Authorize(Policy = Scopes.AuditRead)]
    [WolverineGet("/v1/audit/replay/secrets/{*path}")]
    public static async Task<IResult> Get(HttpContext context, ClaimsPrincipal user, ForensicReplay replay, TimeProvider clock)
    {
        if (!SecretRoute.TryGetPath(context, "/v1/audit/replay/secrets/", out var path, out var pathError)) return pathError.ToResult();
        var audit = context.Audit();
        audit.Action = "audit.replay.secret";
        audit.Path = path;

        var query = context.Request.Query;
        if (ReplayQuery.Repeated(query) is { } repeated) return repeated.ToResult();
        var (at, timeError) = ReplayQuery.At(query["at"], clock.GetUtcNow());
        if (timeError is not null) return timeError.ToResult();
        var (includeValue, flagError) = ReplayQuery.Flag("include_value", query["include_value"]);
        if (flagError is not null) return flagError.ToResult();
        var (version, versionError) = ReplayQuery.Version(query["version"]);
        if (versionError is not null) return versionError.ToResult();
        if (includeValue)
        {
            audit.Action = "audit.replay.secret_value";
            // Decided before any lookup, so a refusal tells nothing about the path.
            if (!user.HasScope(Scopes.Admin))
                return new ApiError(403, ForensicErrorCodes.ValueNeedsAdmin,
                    "A value as of a past time is returned only to callers with the admin scope; leave out include_value to replay the metadata.").ToResult();
        }
        else if (version is not null)
            return ApiError.BadRequest(ErrorCodes.InvalidRequest, "version selects the value to replay; it needs include_value=true.").ToResult();

        var tenant = user.ToCaller().TenantId;
        var replayed = await replay.SecretAsync(tenant, path, at, context.RequestAborted);
        if (replayed is null) return ReplayQuery.NothingAt(at).ToResult();

        ValueAsOf? value = null;
        if (includeValue)
        {
            (value, var valueError) = await replay.ValueAsync(tenant, replayed, version, context.RequestAborted);
            if (valueError is not null) return valueError.ToResult();
            audit.Version = value!.Version;
        }
        return JsonResponse.Ok(json => ReplayJson.WriteSecret(json, replayed, value));
    }
}
