using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ScaiVault.Federation.Vault;

/// <summary>Builds <see cref="VaultBackend"/>s for backends of type <c>hashicorp-vault</c> and validates their config.</summary>
/// <param name="clock">Token lease arithmetic (renew at two thirds of a lease); tests pass a clock they move.</param>
public sealed class VaultBackendFactory(ILoggerFactory? loggerFactory = null, TimeProvider? clock = null) : IFederationBackendFactory
{
    public const string TypeName = "hashicorp-vault";

    private static readonly ConcurrentDictionary<string, bool> WarnedInsecure = new(StringComparer.Ordinal);

    public string Type => TypeName;

    public IReadOnlyList<ConfigError> Validate(JsonElement config) => VaultConfig.Parse(config).Errors;

    public IFederationBackend Create(BackendConnection connection)
    {
        var (config, errors) = VaultConfig.Parse(connection.Config);
        if (config is null)
            throw new ArgumentException($"invalid hashicorp-vault config: {string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}"))}", nameof(connection));
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<VaultBackend>();
        if (!config.TlsVerify && WarnedInsecure.TryAdd($"{connection.Tenant}/{connection.BackendId}", true))
            logger.LogWarning("Vault backend {BackendId} ({Endpoint}) has tls_verify: false; its certificate is not checked and the connection can be intercepted",
                connection.BackendId, config.Endpoint);
        return new VaultBackend(config, connection, clock ?? TimeProvider.System, logger);
    }
}
