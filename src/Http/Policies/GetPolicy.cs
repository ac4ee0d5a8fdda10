using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Policies;

public static class GetPolicyEndpoint
{
    /// <summary>One policy with its rules and bindings.</summary>
    [Authorize(Policy = Scopes.PoliciesWrite)]
    [WolverineGet("/v1/policies/{name}")]
    public static async Task<IResult> Get(string name, HttpContext context, ClaimsPrincipal user, PolicyStore policies)
    {
        if (PolicyRoute.CheckName(name) is { } nameError) return nameError.ToResult();
        var policy = await policies.LoadAsync(user.ToCaller().TenantId, name, context.RequestAborted);
        return policy is null ? PolicyStore.NotFound().ToResult() : JsonResponse.Ok(json => PolicyJson.Write(json, policy));
    }
}
