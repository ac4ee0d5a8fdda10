using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Forensics;

public static class ReplayPoliciesEndpoint
{
    /// <summary>Every policy of the caller's tenant, with its rules and bindings, as of <c>at</c>, from the events alone.</summary>
    [Authorize(Policy = Scopes.AuditRead)]
    [WolverineGet("/v1/audit/replay/policies")]
    public static async Task<IResult> Get(HttpContext context, ClaimsPrincipal user, ForensicReplay replay, TimeProvider clock)
    {
        context.Audit().Action = "audit.replay.policies";
        var query = context.Request.Query;
        if (ReplayQuery.Repeated(query) is { } repeated) return repeated.ToResult();
        var (at, timeError) = ReplayQuery.At(query["at"], clock.GetUtcNow());
        if (timeError is not null) return timeError.ToResult();

        var replayed = await replay.PoliciesAsync(user.ToCaller().TenantId, at, context.RequestAborted);
        return JsonResponse.Ok(json => ReplayJson.WritePolicies(json, replayed));
    }
}
