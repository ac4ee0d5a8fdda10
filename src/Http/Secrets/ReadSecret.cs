using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Federation;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Secrets;

public static class ReadSecretEndpoint
{
    /// <summary>Reads the current version, or <c>?version=N</c>.</summary>
    [Authorize(Policy = Scopes.SecretsRead)]
    [WolverineGet("/v1/secrets/{*path}")]
    public static async Task<IResult> Get(HttpContext context, ClaimsPrincipal user, SecretStore secrets, PathAccess access,
        FederationRoutes federation, ProxyRead proxy)
    {
        if (!SecretRoute.TryGetPath(context, "/v1/secrets/", out var path, out var pathError)) return pathError.ToResult();
        context.Audit().Path = path;
        if (await access.CheckAsync(user.ToCaller(), PolicyAction.Read, path, context.RequestAborted) is { } denied) return denied.ToResult();
        int? version = null;
        if (context.Request.Query.TryGetValue("version", out var raw))
        {
            if (raw.Count != 1 || !int.TryParse(raw[0], System.Globalization.NumberStyles.None, null, out var v) || v < 1)
                return ApiError.BadRequest("invalid_version", "version must be a positive whole number.").ToResult();
            version = v;
        }

        // Policies were checked on the ScaiVault path above, before any backend is asked.
        if (await federation.ProxyForAsync(user.ToCaller().TenantId, path, context.RequestAborted) is { } route)
            return await proxy.ReadAsync(context, user.ToCaller().TenantId, path, version, route);

        var (opened, error) = await secrets.ReadAsync(user.ToCaller(), path, version, context.RequestAborted);
        if (error is not null) return error.ToResult();
        context.Audit().Version = opened!.Version;

        return JsonResponse.Ok(json =>
        {
            var secret = opened!.Secret;
            json.WriteStartObject();
            json.WriteString("path", path);
            json.WriteNumber("version", opened.Version);
            json.WriteNumber("current_version", secret.LastVersion);
            json.WriteString("secret_type", opened.SecretType.ToWire());
            SecretValueCodec.WriteData(json, opened.SecretType, opened.Plaintext);
            SecretJson.WriteMetadata(json, secret.Metadata);
            SecretJson.WriteTime(json, "created_at", opened.CreatedAt);
            json.WriteString("created_by", opened.CreatedBy);
            SecretJson.WriteTime(json, "updated_at", secret.UpdatedAt);
            json.WriteEndObject();
        });
    }
}
