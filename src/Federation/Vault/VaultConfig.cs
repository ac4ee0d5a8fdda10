using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace ScaiVault.Federation.Vault;

public enum VaultAuthMethod
{
    Token,
    AppRole,
    Kubernetes,
}

/// <summary>
/// The <c>config</c> object of a <c>hashicorp-vault</c> backend, parsed and checked. Every problem names
/// its field (<c>config.endpoint</c>) so the backends API can answer a 400 a person can act on.
/// </summary>
public sealed record VaultConfig(
    Uri Endpoint,
    VaultAuthMethod AuthMethod,
    string? AuthConfigPath,
    string? Namespace,
    bool TlsVerify,
    X509Certificate2Collection? CaCertificates,
    string AuthMountPath,
    string? KubernetesRole,
    string KubernetesJwtPath,
    TimeSpan Timeout)
{
    public const string DefaultJwtPath = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(2);

    private static readonly HashSet<string> Known =
    [
        "endpoint", "auth_method", "auth_config_path", "namespace", "tls_verify", "ca_cert", "mount_path", "role", "jwt_path", "timeout",
    ];

    public static (VaultConfig? Config, IReadOnlyList<ConfigError> Errors) Parse(JsonElement config)
    {
        var errors = new List<ConfigError>();
        if (config.ValueKind != JsonValueKind.Object)
            return (null, [new ConfigError("config", "must be an object")]);

        foreach (var property in config.EnumerateObject())
            if (!Known.Contains(property.Name))
                errors.Add(new ConfigError($"config.{property.Name}", $"is not a hashicorp-vault option (known: {string.Join(", ", Known)})"));

        Uri? endpoint = null;
        var endpointText = String(config, "endpoint", errors);
        if (endpointText is null)
            errors.Add(new ConfigError("config.endpoint", "is required: the Vault address, e.g. https://vault.internal:8200"));
        else if (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")
                 || !string.IsNullOrEmpty(endpoint.Query) || !string.IsNullOrEmpty(endpoint.UserInfo))
        {
            errors.Add(new ConfigError("config.endpoint", "must be an http or https URL without query or credentials, e.g. https://vault.internal:8200"));
            endpoint = null;
        }
        else
        {
            // Accept the address with or without the API prefix; calls always add /v1/ themselves.
            var path = endpoint.AbsolutePath.TrimEnd('/');
            if (path.EndsWith("/v1", StringComparison.Ordinal)) path = path[..^3];
            endpoint = new Uri($"{endpoint.Scheme}://{endpoint.Authority}{path}/");
        }

        var method = VaultAuthMethod.Token;
        switch (String(config, "auth_method", errors))
        {
            case null or "token": break;
            case "approle": method = VaultAuthMethod.AppRole; break;
            case "kubernetes": method = VaultAuthMethod.Kubernetes; break;
            case "aws" or "gcp":
                errors.Add(new ConfigError("config.auth_method", "aws and gcp Vault logins are not supported by this version; use approle, kubernetes or token"));
                break;
            default:
                errors.Add(new ConfigError("config.auth_method", "must be one of token, approle, kubernetes"));
                break;
        }

        var authConfigPath = String(config, "auth_config_path", errors);
        var role = String(config, "role", errors);
        if (authConfigPath is null && !(method == VaultAuthMethod.Kubernetes && role is not null))
            errors.Add(new ConfigError("config.auth_config_path", method == VaultAuthMethod.Kubernetes
                ? "is required unless config.role is given: the ScaiVault path of a secret holding {\"role\": \"...\"}"
                : method == VaultAuthMethod.AppRole
                    ? "is required: the ScaiVault path of a secret holding {\"role_id\": \"...\", \"secret_id\": \"...\"}"
                    : "is required: the ScaiVault path of a secret holding {\"token\": \"...\"}"));

        var ns = String(config, "namespace", errors)?.Trim('/');
        var tlsVerify = Bool(config, "tls_verify", errors) ?? true;

        X509Certificate2Collection? ca = null;
        if (String(config, "ca_cert", errors) is { } pem)
        {
            ca = [];
            try { ca.ImportFromPem(pem); }
            catch (CryptographicException) { ca.Clear(); }
            if (ca.Count == 0)
            {
                errors.Add(new ConfigError("config.ca_cert", "must hold one or more PEM certificates (-----BEGIN CERTIFICATE-----)"));
                ca = null;
            }
        }

        var mountPath = String(config, "mount_path", errors)?.Trim('/');
        if (mountPath is { Length: 0 }) errors.Add(new ConfigError("config.mount_path", "must not be empty"));
        var jwtPath = String(config, "jwt_path", errors) ?? DefaultJwtPath;

        var timeout = DefaultTimeout;
        if (config.TryGetProperty("timeout", out var timeoutElement))
        {
            if (ParseDuration(timeoutElement) is { } t && t >= MinTimeout && t <= MaxTimeout) timeout = t;
            else errors.Add(new ConfigError("config.timeout", "must be a duration between 100ms and 2m, e.g. \"10s\""));
        }

        if (errors.Count > 0) return (null, errors);
        return (new VaultConfig(endpoint!, method, authConfigPath, string.IsNullOrEmpty(ns) ? null : ns, tlsVerify, ca,
            mountPath ?? (method == VaultAuthMethod.Kubernetes ? "kubernetes" : "approle"), role, jwtPath, timeout), errors);
    }

    private static string? String(JsonElement config, string name, List<ConfigError> errors)
    {
        if (!config.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text) return text;
        errors.Add(new ConfigError($"config.{name}", "must be a non-empty string"));
        return null;
    }

    private static bool? Bool(JsonElement config, string name, List<ConfigError> errors)
    {
        if (!config.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        errors.Add(new ConfigError($"config.{name}", "must be true or false"));
        return null;
    }

    /// <summary>A number of seconds, or text such as <c>500ms</c>, <c>10s</c>, <c>1m</c>.</summary>
    private static TimeSpan? ParseDuration(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds)) return TimeSpan.FromSeconds(seconds);
        if (value.ValueKind != JsonValueKind.String) return null;
        var text = value.GetString()!.Trim();
        (string Suffix, double Factor)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, factor) in units)
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
                return TimeSpan.FromSeconds(n * factor);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) ? TimeSpan.FromSeconds(plain) : null;
    }
}
