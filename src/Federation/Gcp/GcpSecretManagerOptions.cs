using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation.Gcp;

public enum GcpAuthMethod
{
    /// <summary>A service-account JSON key stored in ScaiVault at <c>credentials_path</c>.</summary>
    ServiceAccount,
    /// <summary>Tokens from the GCE/GKE metadata server: no credential stored anywhere.</summary>
    WorkloadIdentity,
}

/// <summary>
/// The <c>config</c> object of a <c>google-secret-manager</c> backend, validated field by field
/// (see docs/federation-google-secret-manager.md).
/// </summary>
public sealed partial record GcpSecretManagerOptions(
    string ProjectId,
    GcpAuthMethod AuthMethod,
    string? CredentialsPath,
    Uri Endpoint,
    string? MetadataHost,
    TimeSpan Timeout,
    int MaxRetries,
    TimeSpan RetryBaseDelay,
    int PageSize)
{
    public static readonly Uri DefaultEndpoint = new("https://secretmanager.googleapis.com/");
    public const int MaxPageSize = 25000;

    private static readonly string[] KnownFields =
    [
        "project_id", "auth_method", "credentials_path", "endpoint", "metadata_host",
        "timeout_seconds", "max_retries", "retry_base_delay_ms", "page_size",
    ];

    public static IReadOnlyList<ConfigError> Validate(JsonElement config) => Read(config).Errors;

    /// <summary>Reads the config; Options is null exactly when Errors is not empty.</summary>
    public static (GcpSecretManagerOptions? Options, IReadOnlyList<ConfigError> Errors) Read(JsonElement config)
    {
        var errors = new List<ConfigError>();
        if (config.ValueKind != JsonValueKind.Object)
            return (null, [new ConfigError("config", "must be a JSON object.")]);

        foreach (var property in config.EnumerateObject())
            if (!KnownFields.Contains(property.Name))
                errors.Add(new ConfigError($"config.{property.Name}",
                    $"is not a google-secret-manager setting; known settings: {string.Join(", ", KnownFields)}."));

        var projectId = String(config, "project_id", errors);
        if (projectId is null)
        {
            if (!config.TryGetProperty("project_id", out _))
                errors.Add(new ConfigError("config.project_id", "is required: the GCP project id (or number) that holds the secrets."));
        }
        else if (!ProjectIdPattern().IsMatch(projectId) && !ProjectNumberPattern().IsMatch(projectId))
        {
            errors.Add(new ConfigError("config.project_id",
                "must be a GCP project id (6-30 lowercase letters, digits and '-', starting with a letter) or a project number."));
        }

        var credentialsPath = String(config, "credentials_path", errors);
        if (credentialsPath is not null && !SecretPath.TryValidate(credentialsPath, out var pathError))
            errors.Add(new ConfigError("config.credentials_path", $"is not a ScaiVault secret path: {pathError}"));

        var hasCredentialsPath = config.TryGetProperty("credentials_path", out _);
        var authMethodText = String(config, "auth_method", errors);
        GcpAuthMethod? authMethod = authMethodText switch
        {
            null => hasCredentialsPath ? GcpAuthMethod.ServiceAccount : null,
            "service_account" => GcpAuthMethod.ServiceAccount,
            "workload_identity" => GcpAuthMethod.WorkloadIdentity,
            _ => null,
        };
        if (authMethodText is not null && authMethod is null)
            errors.Add(new ConfigError("config.auth_method", "must be 'service_account' or 'workload_identity'."));
        else if ((authMethod is null or GcpAuthMethod.ServiceAccount) && !hasCredentialsPath)
            errors.Add(new ConfigError("config.credentials_path",
                "is required: the ScaiVault path of a service-account JSON key (or set \"auth_method\": \"workload_identity\")."));
        else if (authMethod == GcpAuthMethod.WorkloadIdentity && hasCredentialsPath)
            errors.Add(new ConfigError("config.credentials_path",
                "must be omitted with auth_method 'workload_identity' (tokens come from the metadata server)."));

        var endpoint = DefaultEndpoint;
        var endpointText = String(config, "endpoint", errors);
        if (endpointText is not null)
        {
            if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var parsed)
                || parsed.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(parsed.Query) || !string.IsNullOrEmpty(parsed.Fragment))
                errors.Add(new ConfigError("config.endpoint", "must be an absolute https URL such as https://secretmanager.googleapis.com/."));
            else if (parsed.Scheme == "http" && !IsLoopback(parsed.Host))
                errors.Add(new ConfigError("config.endpoint",
                    "must use https: access tokens would travel in clear text (plain http is accepted for 127.0.0.1/localhost only)."));
            else
                endpoint = parsed.AbsoluteUri.EndsWith('/') ? parsed : new Uri(parsed.AbsoluteUri + "/");
        }

        var metadataHost = String(config, "metadata_host", errors);
        if (metadataHost is not null)
        {
            if (authMethod != GcpAuthMethod.WorkloadIdentity)
                errors.Add(new ConfigError("config.metadata_host", "applies to auth_method 'workload_identity' only."));
            else if (metadataHost.Contains('/') || !Uri.TryCreate("http://" + metadataHost, UriKind.Absolute, out var hostUri)
                     || hostUri.Authority.Length == 0 || !string.IsNullOrEmpty(hostUri.UserInfo))
                errors.Add(new ConfigError("config.metadata_host", "must be host[:port] of the metadata server, as in GCE_METADATA_HOST (no scheme, no path)."));
        }

        var timeout = Int(config, "timeout_seconds", 30, 1, 300, errors);
        var maxRetries = Int(config, "max_retries", 4, 0, 10, errors);
        var retryBaseDelay = Int(config, "retry_base_delay_ms", 200, 1, 10_000, errors);
        var pageSize = Int(config, "page_size", 1000, 1, MaxPageSize, errors);

        if (errors.Count > 0 || projectId is null || authMethod is null) return (null, errors);
        return (new GcpSecretManagerOptions(projectId, authMethod.Value, credentialsPath, endpoint, metadataHost,
            TimeSpan.FromSeconds(timeout), maxRetries, TimeSpan.FromMilliseconds(retryBaseDelay), pageSize), errors);
    }

    internal static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static string? String(JsonElement config, string field, List<ConfigError> errors)
    {
        if (!config.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text) return text;
        errors.Add(new ConfigError($"config.{field}", "must be a non-empty string."));
        return null;
    }

    private static int Int(JsonElement config, string field, int fallback, int min, int max, List<ConfigError> errors)
    {
        if (!config.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max)
            return number;
        errors.Add(new ConfigError($"config.{field}", $"must be a whole number from {min} to {max}."));
        return fallback;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$")]
    private static partial Regex ProjectIdPattern();

    [GeneratedRegex("^[0-9]{1,20}$")]
    private static partial Regex ProjectNumberPattern();
}
