using System.Security.Claims;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Json;

namespace ScaiVault.Http.Secrets;

/// <summary>What soft-delete, restore and destroy share: path, optional <c>{"versions": [..]}</c>, one decision.</summary>
public static class VersionOperation
{
    public delegate (IEnumerable<object> Events, SecretError? Error) Decide(Secret? secret, int[] versions, string by, DateTimeOffset now);

    public static async Task<IResult> RunAsync(HttpContext context, ClaimsPrincipal user, SecretStore secrets, string routePrefix, Decide decide)
    {
        if (!SecretRoute.TryGetPath(context, routePrefix, out var path, out var pathError)) return pathError.ToResult();
        var (root, bodyError) = await JsonBody.ReadObjectAsync(context, allowEmpty: true);
        if (bodyError is not null) return bodyError.ToResult();
        var (body, readError) = SecretRequestReader.ReadVersions(root);
        if (readError is not null) return readError.ToResult();

        var error = await secrets.ChangeAsync(user.ToCaller(), path,
            (secret, by, now) => decide(secret, body!.Versions, by, now), context.RequestAborted);
        return error?.ToResult() ?? Results.NoContent();
    }
}
