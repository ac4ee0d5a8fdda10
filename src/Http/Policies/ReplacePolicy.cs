using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Policies;

public static class ReplacePolicyEndpoint
{
    private static readonly IValidator<PolicyBody> Validator = new PolicyBodyValidator();

    /// <summary>
    /// Replaces description, priority and rules (what is left out takes its default: no description, priority
    /// 100). Bindings stay. A <c>name</c> in the body must be the one in the URL: a policy is not renamed.
    /// </summary>
    [Authorize(Policy = Scopes.PoliciesWrite)]
    [WolverinePut("/v1/policies/{name}")]
    public static async Task<IResult> Put(string name, HttpContext context, ClaimsPrincipal user, PolicyStore policies)
    {
        if (PolicyRoute.CheckName(name) is { } nameError) return nameError.ToResult();
        var (body, requestError) = await PolicyRequestReader.ReadAsync(context, PolicyRequestReader.ReadReplace, Validator);
        if (requestError is not null) return requestError.ToResult();
        if (body.Name is not null && body.Name != name)
            return ApiError.BadRequest(ErrorCodes.InvalidRequest,
                "name differs from the policy name in the URL; a policy cannot be renamed (define a new one and remove this one).").ToResult();

        var rules = body.ToRules();
        var (policy, error) = await policies.ChangeAsync(user.ToCaller(), name,
            (current, by, now) => PolicyDecisions.Change(current, body.Description, body.Priority, rules, by, now), context.RequestAborted);
        if (error is not null) return error.ToResult();
        return JsonResponse.Ok(json => PolicyJson.Write(json, policy!));
    }
}
