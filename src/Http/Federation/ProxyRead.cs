using System.Globalization;
using ScaiVault.Federation;
using ScaiVault.Federation.Mapping;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Json;
using ScaiVault.Http.Secrets;

namespace ScaiVault.Http.Federation;

/// <summary>
/// Proxy mode: a read of a mapped path goes to the backend now, within <see cref="FederationOptions.ProxyTimeout"/>,
/// and comes back in ScaiVault's read shape. Nothing is stored. The caller's ScaiVault policy was checked on
/// the ScaiVault path before this runs; the audit entry names the backend as the source, also on failure.
/// </summary>
public sealed class ProxyRead(BackendAdapters adapters, FederationOptions options, ILogger<ProxyRead> logger)
{
    public async Task<IResult> ReadAsync(HttpContext context, string tenant, string path, int? version, BackendRoute route)
    {
        var backend = route.Backend;
        var audit = context.Audit();
        audit.Action ??= "secret.read";
        audit.Path = path;
        audit.Source = $"federation:{backend.Id}";
        if (version is not null)
            return Fail(audit, new ApiError(400, FederationErrorCodes.ProxyVersionUnavailable,
                "A proxied path serves only the backend's current version; leave out ?version (or switch the backend to sync mode to keep history)."));

        RemoteSecret? remote;
        try
        {
            var adapter = adapters.For(tenant, backend);
            remote = await BackendFailures.BoundedAsync(options.ProxyTimeout, context.RequestAborted,
                ct => adapter.ReadAsync(route.Target.Name, ct));
        }
        catch (FederationBackendException e)
        {
            logger.LogWarning("Proxied read of {Path} from federation backend {BackendId} failed: {Failure} {Reason}",
                path, backend.Id, e.Failure, e.Message);
            return Fail(audit, BackendFailures.ToApiError(e.Failure, backend.Id));
        }

        if (remote?.Value is null)
            return Fail(audit, ApiError.NotFound(Domain.Secrets.SecretErrorCodes.NotFound,
                $"Federation backend {backend.Id} holds no current value at the mapped name."));
        ValueTransform.TryParse(route.Target.Rule.Transform, out var transform, out _);
        var (value, transformError) = transform!.Apply(remote.Value);
        if (value is null)
            return Fail(audit, new ApiError(502, FederationErrorCodes.BackendBadResponse, $"Federation backend {backend.Id}: {transformError}"));

        var numeric = int.TryParse(remote.RemoteVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
        audit.Version = numeric;
        return JsonResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("path", path);
            if (numeric is { } v) { json.WriteNumber("version", v); json.WriteNumber("current_version", v); }
            else { json.WriteNull("version"); json.WriteNull("current_version"); }
            json.WriteString("secret_type", value.SecretType switch
            {
                Domain.Secrets.SecretType.Json => "json",
                Domain.Secrets.SecretType.String => "string",
                _ => "binary",
            });
            SecretValueCodec.WriteData(json, value.SecretType, value.Bytes);
            json.WriteStartObject("metadata");
            json.WriteStartArray("tags");
            foreach (var tag in remote.Tags) json.WriteStringValue(tag);
            json.WriteEndArray();
            json.WriteEndObject();
            if (remote.UpdatedAt is { } at)
            {
                SecretJson.WriteTime(json, "created_at", at);
                SecretJson.WriteTime(json, "updated_at", at);
            }
            json.WriteString("created_by", $"federation:{backend.Id}");
            json.WriteStartObject("source");
            json.WriteString("type", "federation");
            json.WriteString("mode", "proxy");
            json.WriteString("backend_id", backend.Id);
            json.WriteString("backend_name", backend.Settings.Name);
            json.WriteString("remote_version", remote.RemoteVersion);
            json.WriteEndObject();
            json.WriteEndObject();
        });
    }

    private static IResult Fail(AuditFacts audit, ApiError error)
    {
        audit.ErrorCode = error.Code;
        return error.ToResult();
    }
}
