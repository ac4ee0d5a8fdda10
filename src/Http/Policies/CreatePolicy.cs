using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Policies;

public static class CreatePolicyEndpoint
{
    private static readonly IValidator<PolicyBody> Validator = new PolicyBodyValidator();

    /// <summary>Defines a policy; a name in use answers 409 <c>policy_exists</c>. Not bound to anyone yet.</summary>
    [Authorize(Policy = Scopes.PoliciesWrite)]
    [WolverinePost("/v1/policies")]
    public static async Task<IResult> Post(HttpContext context, ClaimsPrincipal user, PolicyStore policies)
    {
        var (body, requestError) = await PolicyRequestReader.ReadAsync(context, PolicyRequestReader.ReadCreate, Validator);
        if (requestError is not null) return requestError.ToResult();

        var name = body.Name!;
        var rules = body.ToRules();
        var (policy, error) = await policies.ChangeAsync(user.ToCaller(), name,
            (current, by, now) => PolicyDecisions.Define(current, name, body.Description, body.Priority, rules, by, now), context.RequestAborted);
        if (error is not null) return error.ToResult();

        context.Response.Headers.Location = $"/v1/policies/{name}";
        return new JsonResponse(201, json => PolicyJson.Write(json, policy!));
    }
}
