using System.Text.Json;

namespace ScaiVault.Federation.Gcp;

/// <summary>
/// Builds <c>google-secret-manager</c> adapters. A singleton: HTTP clients come from
/// <see cref="IHttpClientFactory"/> (named <see cref="HttpClientName"/>); time from a
/// <see cref="TimeProvider"/> (the system clock unless one is given; tests move it to expire tokens).
/// </summary>
public sealed class GcpSecretManagerFactory(IHttpClientFactory httpClients, TimeProvider? time = null) : IFederationBackendFactory
{
    public const string BackendType = "google-secret-manager";
    public const string HttpClientName = "scaivault-federation-google-secret-manager";

    public string Type => BackendType;

    public IReadOnlyList<ConfigError> Validate(JsonElement config) => GcpSecretManagerOptions.Validate(config);

    public IFederationBackend Create(BackendConnection connection)
    {
        var (options, errors) = GcpSecretManagerOptions.Read(connection.Config);
        if (options is null)
            throw new ArgumentException(
                $"Backend '{connection.BackendId}' has an invalid {BackendType} config: "
                + string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")), nameof(connection));
        return new GcpSecretManagerBackend(options, connection.Credentials, httpClients.CreateClient(HttpClientName), time ?? TimeProvider.System);
    }
}
