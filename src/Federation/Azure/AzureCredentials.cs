using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation.Azure;

/// <summary>
/// Builds the Azure.Identity credential of a backend. For client_secret and certificate the ScaiVault
/// secret at <c>config.credentials_path</c> is a JSON object:
/// <c>{"tenant_id","client_id","client_secret"}</c>, or <c>{"tenant_id","client_id","certificate_pem"}</c>
/// (certificate and unencrypted PKCS#8/RSA private key in PEM), or
/// <c>{"tenant_id","client_id","certificate_pfx_base64","certificate_password"?}</c>; tenant_id and
/// client_id may instead be in the config.
/// Values stay in memory; messages name the missing field, never its value.
/// </summary>
internal static class AzureCredentials
{
    private static readonly Uri[] KnownAuthorityHosts =
        [AzureAuthorityHosts.AzurePublicCloud, AzureAuthorityHosts.AzureChina, AzureAuthorityHosts.AzureGovernment];

    public static async Task<TokenCredential> CreateAsync(
        AzureKeyVaultConfig config, ICredentialSource source, HttpPipelineTransport transport, HttpPipelinePolicy counter, CancellationToken ct)
    {
        if (config.AuthMethod == AzureAuthMethod.ManagedIdentity)
        {
            // Azure.Identity finds the host's identity endpoint itself (IMDS, App Service, Arc, ... from the
            // environment); client_id selects a user-assigned identity.
            var id = config.ClientId is { } clientId
                ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                : ManagedIdentityId.SystemAssigned;
            var options = Configure(new ManagedIdentityCredentialOptions(id), config, transport, counter);
            return new ManagedIdentityCredential(options);
        }

        var secret = await ReadCredentialsAsync(config.CredentialsPath!, source, ct);
        var tenantId = Identifier(secret, "tenant_id", config.TenantId, config.CredentialsPath!);
        var clientIdValue = Identifier(secret, "client_id", config.ClientId, config.CredentialsPath!);
        if (config.AuthMethod == AzureAuthMethod.ClientSecret)
        {
            var options = Configure(new ClientSecretCredentialOptions(), config, transport, counter);
            ApplyAuthority(options, config);
            return new ClientSecretCredential(tenantId, clientIdValue, Required(secret, "client_secret", config.CredentialsPath!), options);
        }

        var certificate = LoadCertificate(secret, config.CredentialsPath!);
        var certOptions = Configure(new ClientCertificateCredentialOptions(), config, transport, counter);
        ApplyAuthority(certOptions, config);
        return new ClientCertificateCredential(tenantId, clientIdValue, certificate, certOptions);
    }

    private static T Configure<T>(T options, AzureKeyVaultConfig config, HttpPipelineTransport transport, HttpPipelinePolicy counter)
        where T : TokenCredentialOptions
    {
        options.Transport = transport;
        options.Retry.MaxRetries = config.MaxRetries;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = config.RetryDelay;
        options.Retry.NetworkTimeout = config.NetworkTimeout;
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        // The vault's challenge names the tenant; the credential must be allowed to follow it only when it is
        // the configured one, which is Azure.Identity's default (no additionally allowed tenants).
        return options;
    }

    private static void ApplyAuthority(TokenCredentialOptions options, AzureKeyVaultConfig config)
    {
        if (config.AuthorityHost is not { } host) return;
        options.AuthorityHost = host;
        // Instance discovery asks login.microsoftonline.com about the authority: right for Azure's own clouds,
        // impossible for a private or local token endpoint, which MSAL would otherwise refuse.
        if (!KnownAuthorityHosts.Any(known => Uri.Compare(known, host, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0))
        {
            if (options is ClientSecretCredentialOptions s) s.DisableInstanceDiscovery = true;
            if (options is ClientCertificateCredentialOptions c) c.DisableInstanceDiscovery = true;
        }
    }

    private static async Task<JsonElement> ReadCredentialsAsync(string path, ICredentialSource source, CancellationToken ct)
    {
        RemoteSecretValue value;
        try
        {
            value = await source.ReadAsync(path, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException and not FederationBackendException)
        {
            throw new FederationBackendException(BackendFailure.CredentialsUnusable,
                $"The Azure credentials secret '{path}' could not be read from ScaiVault.");
        }
        try
        {
            using var document = JsonDocument.Parse(value.Bytes);
            if (document.RootElement.ValueKind == JsonValueKind.Object) return document.RootElement.Clone();
        }
        catch (JsonException)
        {
        }
        throw new FederationBackendException(BackendFailure.CredentialsUnusable,
            $"The Azure credentials secret '{path}' is not a JSON object with tenant_id, client_id and client_secret or a certificate.");
    }

    private static string Identifier(JsonElement secret, string field, string? fromConfig, string path)
    {
        var fromSecret = Optional(secret, field);
        if (fromSecret is not null && fromConfig is not null && !string.Equals(fromSecret, fromConfig, StringComparison.OrdinalIgnoreCase))
            throw new FederationBackendException(BackendFailure.CredentialsUnusable,
                $"The Azure credentials secret '{path}' and config.{field} name different values for '{field}'.");
        return fromSecret ?? fromConfig ?? throw new FederationBackendException(BackendFailure.CredentialsUnusable,
            $"The Azure credentials secret '{path}' has no string field '{field}' and the config has no {field}.");
    }

    private static string Required(JsonElement secret, string field, string path) =>
        Optional(secret, field) ?? throw new FederationBackendException(BackendFailure.CredentialsUnusable,
            $"The Azure credentials secret '{path}' has no string field '{field}'.");

    private static string? Optional(JsonElement secret, string field) =>
        secret.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString())
            ? v.GetString()
            : null;

    private static X509Certificate2 LoadCertificate(JsonElement secret, string path)
    {
        var pem = Optional(secret, "certificate_pem");
        var pfx = Optional(secret, "certificate_pfx_base64");
        try
        {
            X509Certificate2 certificate;
            if (pem is not null)
            {
                // The key may come before or after the certificate; CreateFromPem finds both.
                using var fromPem = X509Certificate2.CreateFromPem(pem, pem);
                // Re-imported so the private key is usable for signing on every platform.
                certificate = X509CertificateLoader.LoadPkcs12(fromPem.Export(X509ContentType.Pkcs12), null);
            }
            else if (pfx is not null)
            {
                certificate = X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(pfx), Optional(secret, "certificate_password"));
            }
            else
            {
                throw new FederationBackendException(BackendFailure.CredentialsUnusable,
                    $"The Azure credentials secret '{path}' has neither 'certificate_pem' nor 'certificate_pfx_base64'.");
            }
            if (!certificate.HasPrivateKey)
                throw new FederationBackendException(BackendFailure.CredentialsUnusable,
                    $"The certificate in the Azure credentials secret '{path}' has no private key.");
            return certificate;
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            throw new FederationBackendException(BackendFailure.CredentialsUnusable,
                $"The certificate in the Azure credentials secret '{path}' could not be loaded (expected PEM certificate + private key, or base64 PKCS#12 with its password).");
        }
    }
}
