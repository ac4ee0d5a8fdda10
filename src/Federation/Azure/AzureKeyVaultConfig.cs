using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace ScaiVault.Federation.Azure;

public enum AzureAuthMethod
{
    ManagedIdentity,
    ClientSecret,
    Certificate,
}

/// <summary>
/// The <c>config</c> object of an <c>azure-key-vault</c> backend, parsed and checked. Field names are the
/// wire names (<c>vault_url</c>, <c>auth_method</c>, ...); every error names its field as <c>config.x</c>.
/// </summary>
public sealed record AzureKeyVaultConfig(
    Uri VaultUri,
    AzureAuthMethod AuthMethod,
    string? CredentialsPath,
    string? TenantId,
    string? ClientId,
    Uri? AuthorityHost,
    X509Certificate2Collection? TrustedCa,
    TimeSpan NetworkTimeout,
    int MaxRetries,
    TimeSpan RetryDelay)
{
    public const int DefaultTimeoutMs = 15_000;
    public const int DefaultMaxRetries = 4;
    public const int DefaultRetryDelayMs = 800;

    private static readonly string[] KnownFields =
    [
        "vault_url", "endpoint", "auth_method", "credentials_path", "tenant_id", "client_id", "authority_host", "ca_cert",
        "timeout_ms", "max_retries", "retry_delay_ms",
    ];

    public static IReadOnlyList<ConfigError> Validate(JsonElement config) => Parse(config, out _);

    public static AzureKeyVaultConfig ParseValid(JsonElement config)
    {
        var errors = Parse(config, out var parsed);
        if (errors.Count > 0 || parsed is null)
            throw new FederationBackendException(BackendFailure.CredentialsUnusable,
                "The azure-key-vault config is invalid: " + string.Join(" ", errors.Select(e => $"{e.Field}: {e.Message}")));
        return parsed;
    }

    private static List<ConfigError> Parse(JsonElement config, out AzureKeyVaultConfig? parsed)
    {
        parsed = null;
        var errors = new List<ConfigError>();
        if (config.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("config", "The config must be a JSON object."));
            return errors;
        }
        foreach (var property in config.EnumerateObject())
            if (!KnownFields.Contains(property.Name))
                errors.Add(new($"config.{property.Name}", $"Unknown field; azure-key-vault accepts {string.Join(", ", KnownFields)}."));

        // vault_url is the documented field; endpoint is the override every backend type accepts (private
        // endpoints, sovereign clouds, fakes). When both are given, endpoint wins: that is what an override is.
        var vaultUri = ReadUri(config, "vault_url", errors);
        var endpoint = ReadUri(config, "endpoint", errors);
        var uri = endpoint ?? vaultUri;
        if (uri is null && !config.TryGetProperty("vault_url", out _) && !config.TryGetProperty("endpoint", out _))
            errors.Add(new("config.vault_url", "Required: the vault's URL, e.g. https://contoso-kv.vault.azure.net/."));
        if (uri is not null && (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || uri.AbsolutePath != "/"))
            errors.Add(new(endpoint is not null ? "config.endpoint" : "config.vault_url",
                "Give the vault's base URL only (scheme, host, optional port), without path, query or fragment."));

        var method = ReadString(config, "auth_method", errors);
        AzureAuthMethod? authMethod = method switch
        {
            null => null,
            "managed_identity" => AzureAuthMethod.ManagedIdentity,
            "client_secret" => AzureAuthMethod.ClientSecret,
            "certificate" => AzureAuthMethod.Certificate,
            _ => null,
        };
        if (method is null && !config.TryGetProperty("auth_method", out _))
            errors.Add(new("config.auth_method", "Required: managed_identity, client_secret or certificate."));
        else if (method is not null && authMethod is null)
            errors.Add(new("config.auth_method", $"Unknown auth method '{Shorten(method)}'; use managed_identity, client_secret or certificate."));

        var credentialsPath = ReadString(config, "credentials_path", errors);
        if (authMethod is AzureAuthMethod.ClientSecret or AzureAuthMethod.Certificate && credentialsPath is null
            && !config.TryGetProperty("credentials_path", out _))
            errors.Add(new("config.credentials_path",
                "Required for client_secret and certificate: the ScaiVault path of the secret holding tenant_id, client_id and the client secret or certificate."));
        if (authMethod is AzureAuthMethod.ManagedIdentity && credentialsPath is not null)
            errors.Add(new("config.credentials_path", "Not used with managed_identity; give config.client_id for a user-assigned identity instead."));
        if (credentialsPath is not null && !Domain.Secrets.SecretPath.TryValidate(credentialsPath, out var pathError))
            errors.Add(new("config.credentials_path", pathError));

        // Not secrets: they may sit in the config or in the credentials secret (the secret's must then agree).
        // client_id picks a user-assigned managed identity, or names the app registration.
        var tenantId = ReadString(config, "tenant_id", errors);
        if (tenantId is not null && !tenantId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
            errors.Add(new("config.tenant_id", "A tenant id (GUID) or domain name such as contoso.onmicrosoft.com."));
        var clientId = ReadString(config, "client_id", errors);

        var authorityHost = ReadUri(config, "authority_host", errors);
        if (authorityHost is not null && authMethod is AzureAuthMethod.ManagedIdentity)
            errors.Add(new("config.authority_host", "Not used with managed_identity: the identity endpoint of the host issues the token."));

        X509Certificate2Collection? trustedCa = null;
        var caPem = ReadString(config, "ca_cert", errors);
        if (caPem is not null)
        {
            try
            {
                trustedCa = [];
                trustedCa.ImportFromPem(caPem);
                if (trustedCa.Count == 0) throw new FormatException();
            }
            catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
            {
                errors.Add(new("config.ca_cert", "Not a PEM certificate (-----BEGIN CERTIFICATE----- ...)."));
                trustedCa = null;
            }
        }

        var timeoutMs = ReadInt(config, "timeout_ms", 100, 300_000, DefaultTimeoutMs, errors);
        var maxRetries = ReadInt(config, "max_retries", 0, 10, DefaultMaxRetries, errors);
        var retryDelayMs = ReadInt(config, "retry_delay_ms", 1, 60_000, DefaultRetryDelayMs, errors);

        if (errors.Count == 0 && uri is not null && authMethod is not null)
            parsed = new AzureKeyVaultConfig(uri, authMethod.Value, credentialsPath, tenantId, clientId, authorityHost, trustedCa,
                TimeSpan.FromMilliseconds(timeoutMs), maxRetries, TimeSpan.FromMilliseconds(retryDelayMs));
        return errors;
    }

    private static string? ReadString(JsonElement config, string field, List<ConfigError> errors)
    {
        if (!config.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            errors.Add(new($"config.{field}", "Must be a non-empty string."));
            return null;
        }
        return value.GetString()!.Trim();
    }

    private static Uri? ReadUri(JsonElement config, string field, List<ConfigError> errors)
    {
        var text = ReadString(config, field, errors);
        if (text is null) return null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(uri.UserInfo))
        {
            // The Key Vault client refuses bearer tokens over plain HTTP, and so do we for the token endpoint.
            errors.Add(new($"config.{field}", "Must be an absolute https:// URL without user info."));
            return null;
        }
        return uri;
    }

    private static int ReadInt(JsonElement config, string field, int min, int max, int fallback, List<ConfigError> errors)
    {
        if (!config.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return fallback;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= min && n <= max) return n;
        errors.Add(new($"config.{field}", $"Must be a whole number from {min} to {max}."));
        return fallback;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
