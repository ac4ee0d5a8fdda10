using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Http.Auth;
using Wolverine.Http;

namespace ScaiVault.Http.Policies;

public static class BindPolicyEndpoint
{
    private static readonly IValidator<BindingBody> Validator = new BindingBodyValidator();

    /// <summary>Binds the policy to <c>{"subject": "identity:…" | "group:…"}</c>. Binding again changes nothing.</summary>
    [Authorize(Policy = Scopes.PoliciesWrite)]
    [WolverinePost("/v1/policies/{name}/bindings")]
    public static async Task<IResult> Post(string name, HttpContext context, ClaimsPrincipal user, PolicyStore policies)
    {
        if (PolicyRoute.CheckName(name) is { } nameError) return nameError.ToResult();
        var (body, requestError) = await PolicyRequestReader.ReadAsync(context, PolicyRequestReader.ReadBinding, Validator);
        if (requestError is not null) return requestError.ToResult();

        var (_, error) = await policies.ChangeAsync(user.ToCaller(), name,
            (current, by, now) => PolicyDecisions.Bind(current, body.Subject, by, now), context.RequestAborted);
        return error?.ToResult() ?? Results.NoContent();
    }
}
