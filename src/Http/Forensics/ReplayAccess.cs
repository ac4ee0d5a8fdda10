using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Forensics;

public static class ReplayAccessEndpoint
{
    /// <summary>
    /// Whether <c>identity_id</c> could do <c>action</c> (default <c>read</c>) on <c>path</c> as of <c>at</c>: the
    /// identity and the policies then, decided by the same rules as a live request, with the rule that decided.
    /// </summary>
    [Authorize(Policy = Scopes.AuditRead)]
    [WolverineGet("/v1/audit/replay/access")]
    public static async Task<IResult> Get(HttpContext context, ClaimsPrincipal user, ForensicReplay replay, TimeProvider clock)
    {
        var audit = context.Audit();
        audit.Action = "audit.replay.access";
        var query = context.Request.Query;
        if (ReplayQuery.Repeated(query) is { } repeated) return repeated.ToResult();
        string? identityId = query["identity_id"], path = query["path"];
        if (ReplayQuery.IdentityId(identityId) is { } identityError) return identityError.ToResult();
        if (ReplayQuery.Path(path) is { } pathError) return pathError.ToResult();
        audit.Path = path;
        var (action, actionError) = ReplayQuery.Action(query["action"]);
        if (actionError is not null) return actionError.ToResult();
        var (groups, groupsError) = ReplayQuery.Groups(query["token_groups"]);
        if (groupsError is not null) return groupsError.ToResult();
        var (at, timeError) = ReplayQuery.At(query["at"], clock.GetUtcNow());
        if (timeError is not null) return timeError.ToResult();

        var access = await replay.AccessAsync(user.ToCaller().TenantId, identityId!, groups, action, path!, at, context.RequestAborted);
        return JsonResponse.Ok(json => ReplayJson.WriteAccess(json, access));
    }
}
