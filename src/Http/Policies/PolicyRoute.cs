using ScaiVault.Domain.Policies;
using ScaiVault.Http.Errors;

namespace ScaiVault.Http.Policies;

/// <summary>The policy name in a route, checked against the one name grammar before any lookup.</summary>
public static class PolicyRoute
{
    public static ApiError? CheckName(string name) =>
        PolicyKey.TryValidateName(name, out var error)
            ? null
            : ApiError.BadRequest(ErrorCodes.InvalidRequest, "The policy name in the URL " + error);
}
