using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation;

/// <summary>
/// The one small port every federated store (HashiCorp Vault, AWS Secrets Manager, Azure Key Vault,
/// GCP Secret Manager) is adapted to: list, read, read versions, write. Proxy and sync engines only
/// ever talk to this interface, so a new backend type is one adapter folder.
/// </summary>
public interface IFederationBackend
{
    /// <summary>The backend type as configured: <c>hashicorp-vault</c>, <c>aws-secrets-manager</c>, …</summary>
    string Type { get; }

    /// <summary>Every secret name under a backend prefix, recursively, with what change detection needs.</summary>
    IAsyncEnumerable<RemoteSecretRef> ListAsync(string prefix, CancellationToken ct);

    /// <summary>The current value, or null when the backend has nothing at that name.</summary>
    Task<RemoteSecret?> ReadAsync(string name, CancellationToken ct);

    /// <summary>Every version the backend exposes, oldest first (a single one where it keeps no history).</summary>
    Task<IReadOnlyList<RemoteSecret>> ReadVersionsAsync(string name, CancellationToken ct);

    /// <summary>Writes a new value (write-through); returns the backend's version id of it.</summary>
    Task<string> WriteAsync(string name, RemoteSecretValue value, CancellationToken ct);
}

/// <summary>A name in the backend and a cheap change marker (remote version id or update time).</summary>
public sealed record RemoteSecretRef(string Name, string? ChangeMarker);

/// <summary>One version of a remote secret. Value bytes are plaintext in memory only, never logged.</summary>
public sealed record RemoteSecret(string Name, string RemoteVersion, RemoteSecretValue Value, IReadOnlyList<string> Tags, DateTimeOffset? UpdatedAt);

public sealed record RemoteSecretValue(SecretType SecretType, byte[] Bytes);
