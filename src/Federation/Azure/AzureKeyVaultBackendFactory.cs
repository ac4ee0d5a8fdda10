using System.Text.Json;

namespace ScaiVault.Federation.Azure;

/// <summary>Validates <c>azure-key-vault</c> configs and builds their adapters.</summary>
public sealed class AzureKeyVaultBackendFactory : IFederationBackendFactory
{
    public string Type => AzureKeyVaultBackend.TypeName;

    public IReadOnlyList<ConfigError> Validate(JsonElement config) => AzureKeyVaultConfig.Validate(config);

    public IFederationBackend Create(BackendConnection connection) =>
        new AzureKeyVaultBackend(AzureKeyVaultConfig.ParseValid(connection.Config), connection.Credentials);
}
