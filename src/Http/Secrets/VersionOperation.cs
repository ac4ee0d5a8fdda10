using System.Security.Claims;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Json;

namespace ScaiVault.Http.Secrets;

/// <summary>What soft-delete, restore and destroy share: path, optional <c>{"versions": [..]}</c>, one decision.</summary>
public static class VersionOperation
{
    public delegate (IEnumerable<object> Events, SecretError? Error) Decide(Secret? secret, int[] versions, string by, DateTimeOffset now);

    public static async Task<IResult> RunAsync(HttpContext context, ClaimsPrincipal user, SecretStore secrets, PathAccess access,
        PolicyAction action, string routePrefix, Decide decide)
    {
        var (path, body, requestError) = await SecretRequestReader.ReadAsync(context, routePrefix,
            new Access(access, user.ToCaller(), action, context.RequestAborted), SecretRequestReader.ReadVersions, allowEmpty: true);
        context.Audit().Path = path;
        if (requestError is not null) return requestError.ToResult();

        var error = await secrets.ChangeAsync(user.ToCaller(), path,
            (secret, by, now) => decide(secret, body.Versions, by, now), context.RequestAborted);
        return error?.ToResult() ?? Results.NoContent();
    }
}
