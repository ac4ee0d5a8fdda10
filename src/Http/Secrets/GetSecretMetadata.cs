using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Secrets;

public static class GetSecretMetadataEndpoint
{
    /// <summary>Metadata and the version history of a secret, never a value.</summary>
    [Authorize(Policy = Scopes.SecretsRead)]
    [WolverineGet("/v1/metadata/{*path}")]
    public static async Task<IResult> Get(HttpContext context, ClaimsPrincipal user, SecretStore secrets, PathAccess access)
    {
        if (!SecretRoute.TryGetPath(context, "/v1/metadata/", out var path, out var pathError)) return pathError.ToResult();
        context.Audit().Path = path;
        if (await access.CheckAsync(user.ToCaller(), PolicyAction.List, path, context.RequestAborted) is { } denied) return denied.ToResult();
        return await Describe(context, user, secrets, path);
    }

    /// <summary>The metadata answer, also given by a metadata change (whose caller was already checked).</summary>
    public static async Task<IResult> Describe(HttpContext context, ClaimsPrincipal user, SecretStore secrets, string path)
    {
        var (secret, history) = await secrets.DescribeAsync(user.ToCaller(), path, context.RequestAborted);
        if (secret is not { Exists: true })
            return SecretStore.ToApiError(new SecretError(SecretErrorCodes.NotFound,
                secret is null ? "No secret exists at this path." : "The secret at this path was deleted.")).ToResult();

        return JsonResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("path", path);
            json.WriteNumber("current_version", secret.LastVersion);
            json.WriteString("secret_type", secret.SecretType.ToWire());
            json.WriteNumber("max_versions", secret.MaxVersions);
            SecretJson.WriteMetadata(json, secret.Metadata);
            SecretJson.WriteTime(json, "created_at", secret.CreatedAt);
            SecretJson.WriteTime(json, "updated_at", secret.UpdatedAt);
            json.WriteStartArray("versions");
            // Versions from before a whole-secret delete belong to the previous life of the path.
            foreach (var v in history?.Versions.Where(v => v.CreatedAt >= secret.CreatedAt) ?? [])
            {
                json.WriteStartObject();
                json.WriteNumber("version", v.Version);
                json.WriteString("secret_type", v.SecretType.ToWire());
                json.WriteString("state", v.State.Wire());
                SecretJson.WriteTime(json, "created_at", v.CreatedAt);
                json.WriteString("created_by", v.CreatedBy);
                if (v.Import is { } import)
                {
                    // Provenance of a version a federation sync imported (none for local writes).
                    json.WriteStartObject("imported_from");
                    json.WriteString("backend_id", import.BackendId);
                    json.WriteString("backend_path", import.BackendName);
                    if (import.RemoteVersion is null) json.WriteNull("remote_version");
                    else json.WriteString("remote_version", import.RemoteVersion);
                    json.WriteString("sync_run_id", import.SyncRunId);
                    json.WriteEndObject();
                }
                SecretJson.WriteTime(json, "deleted_at", v.DeletedAt);
                SecretJson.WriteTime(json, "destroyed_at", v.DestroyedAt);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }
}
