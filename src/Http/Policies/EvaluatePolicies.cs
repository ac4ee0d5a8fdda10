using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Policies;

public static class EvaluatePoliciesEndpoint
{
    private static readonly IValidator<EvaluateBody> Validator = new EvaluateBodyValidator();

    /// <summary>
    /// What the policies of the caller's tenant decide for these subjects, this action and this path, and which
    /// rule decided it: for admins to test rules before they are relied on. Reads nothing but policies.
    /// </summary>
    [Authorize(Policy = Scopes.PoliciesWrite)]
    [WolverinePost("/v1/policies/evaluate")]
    public static async Task<IResult> Post(HttpContext context, ClaimsPrincipal user, PolicyStore policies)
    {
        var (body, requestError) = await PolicyRequestReader.ReadAsync(context, PolicyRequestReader.ReadEvaluate, Validator);
        if (requestError is not null) return requestError.ToResult();

        PolicyWire.TryParseAction(body.Action, out var action);
        var decision = await policies.EvaluateAsync(user.ToCaller().TenantId, body.Subjects.ToArray(), action, body.Path, context.RequestAborted);

        return JsonResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteBoolean("allowed", decision.Allowed);
            json.WriteString("policy", decision.PolicyName);
            if (decision.RuleIndex is { } index) json.WriteNumber("rule_index", index);
            else json.WriteNull("rule_index");
            json.WriteEndObject();
        });
    }
}
