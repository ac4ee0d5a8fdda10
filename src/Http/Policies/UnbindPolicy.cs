using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using Wolverine.Http;

namespace ScaiVault.Http.Policies;

public static class UnbindPolicyEndpoint
{
    /// <summary>Unbinds the policy from a subject. A subject that is not bound changes nothing and still answers 204.</summary>
    [Authorize(Policy = Scopes.PoliciesWrite)]
    [WolverineDelete("/v1/policies/{name}/bindings/{subject}")]
    public static async Task<IResult> Delete(string name, string subject, HttpContext context, ClaimsPrincipal user, PolicyStore policies)
    {
        if (PolicyRoute.CheckName(name) is { } nameError) return nameError.ToResult();
        if (!PolicySubject.TryValidate(subject, out var subjectError))
            return ApiError.BadRequest(ErrorCodes.InvalidRequest, "The subject in the URL " + subjectError).ToResult();

        var (_, error) = await policies.ChangeAsync(user.ToCaller(), name,
            (current, by, now) => PolicyDecisions.Unbind(current, subject, by, now), context.RequestAborted);
        return error?.ToResult() ?? Results.NoContent();
    }
}
