using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Policies;

public static class ListPoliciesEndpoint
{
    /// <summary>Policies in name order, <c>limit</c> at a time; <c>next_cursor</c> fetches the next page.</summary>
    [Authorize(Policy = Scopes.PoliciesWrite)]
    [WolverineGet("/v1/policies")]
    public static async Task<IResult> Get(HttpContext context, ClaimsPrincipal user, PolicyStore policies)
    {
        var (limit, after, pagingError) = Paging.Read(context.Request.Query, name => PolicyKey.TryValidateName(name, out _));
        if (pagingError is not null) return pagingError.ToResult();

        var page = await policies.ListAsync(user.ToCaller().TenantId, after, limit + 1, context.RequestAborted);
        var items = page.Take(limit).ToList();
        var next = page.Count > limit ? Paging.Cursor(items[^1].Name) : null;

        return JsonResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("policies");
            foreach (var policy in items) PolicyJson.Write(json, policy);
            json.WriteEndArray();
            json.WriteString("next_cursor", next);
            json.WriteEndObject();
        });
    }
}
