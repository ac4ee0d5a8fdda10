using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Http.Auth;
using Wolverine.Http;

namespace ScaiVault.Http.Policies;

public static class RemovePolicyEndpoint
{
    /// <summary>Removes a policy with all its bindings; the name is free again. Repeating it still answers 204.</summary>
    [Authorize(Policy = Scopes.PoliciesWrite)]
    [WolverineDelete("/v1/policies/{name}")]
    public static async Task<IResult> Delete(string name, HttpContext context, ClaimsPrincipal user, PolicyStore policies)
    {
        if (PolicyRoute.CheckName(name) is { } nameError) return nameError.ToResult();
        var (_, error) = await policies.ChangeAsync(user.ToCaller(), name, PolicyDecisions.Remove, context.RequestAborted);
        return error?.ToResult() ?? Results.NoContent();
    }
}
