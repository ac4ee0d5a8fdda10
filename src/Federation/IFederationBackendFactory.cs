using System.Text.Json;

namespace ScaiVault.Federation;

/// <summary>
/// Builds the adapter of one backend type from its stored configuration. One implementation per
/// type, registered in DI; the backends API validates a config with it before accepting it.
/// </summary>
public interface IFederationBackendFactory
{
    /// <summary><c>hashicorp-vault</c>, <c>aws-secrets-manager</c>, <c>azure-key-vault</c> or <c>google-secret-manager</c>.</summary>
    string Type { get; }

    /// <summary>Problems with a backend's <c>config</c> object, each naming its field (<c>config.endpoint</c>); empty when valid.</summary>
    IReadOnlyList<ConfigError> Validate(JsonElement config);

    IFederationBackend Create(BackendConnection connection);
}

public sealed record ConfigError(string Field, string Message);

/// <summary>What an adapter needs to connect: its config and a way to read its credentials from ScaiVault.</summary>
public sealed record BackendConnection(string BackendId, string Tenant, JsonElement Config, ICredentialSource Credentials);

/// <summary>
/// Reads a ScaiVault secret (a credential such as <c>infra/hashicorp/approle</c>) through ScaiVault's
/// own access path, in the backend's tenant. Values are kept in memory only, never logged.
/// </summary>
public interface ICredentialSource
{
    /// <summary>The current value of the secret at a path: its raw bytes and how they are shaped.</summary>
    Task<RemoteSecretValue> ReadAsync(string path, CancellationToken ct);
}
