using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation;

/// <summary>
/// The one small port every federated store (HashiCorp Vault, AWS Secrets Manager, Azure Key Vault,
/// GCP Secret Manager) is adapted to: list, read, read versions, write. Proxy and sync engines only
/// ever talk to this interface, so a new backend type is one adapter folder.
/// </summary>
/// <remarks>
/// Names are full backend names as the path mapping produces them (for Vault: the API path after
/// <c>/v1/</c>, e.g. <c>kv/data/apps/billing/db</c>; for AWS: the secret name). Failures to reach or
/// use the backend are <see cref="FederationBackendException"/>; their messages never hold a value
/// or a credential.
/// </remarks>
public interface IFederationBackend : IDisposable
{
    /// <summary>The backend type as configured: <c>hashicorp-vault</c>, <c>aws-secrets-manager</c>, …</summary>
    string Type { get; }

    /// <summary>Outbound API calls made so far by this instance (cost awareness: status and sync reports).</summary>
    long OutboundCalls { get; }

    /// <summary>One cheap authenticated round trip; returns how long it took.</summary>
    Task<TimeSpan> CheckAsync(CancellationToken ct);

    /// <summary>Every secret name starting with a backend prefix, recursively, with what change detection needs.</summary>
    IAsyncEnumerable<RemoteSecretRef> ListAsync(string prefix, CancellationToken ct);

    /// <summary>The current value, or null when the backend has nothing at that name.</summary>
    Task<RemoteSecret?> ReadAsync(string name, CancellationToken ct);

    /// <summary>Every version the backend exposes, oldest first (a single one where it keeps no history).</summary>
    Task<IReadOnlyList<RemoteSecret>> ReadVersionsAsync(string name, CancellationToken ct);

    /// <summary>Writes a new value (write-through); returns the backend's version id of it.</summary>
    Task<string> WriteAsync(string name, RemoteSecretValue value, CancellationToken ct);
}

/// <summary>
/// A name in the backend and a cheap change marker (remote version id or update time) that changes
/// whenever the value does, so an unchanged sync can skip reading it.
/// </summary>
public sealed record RemoteSecretRef(string Name, string? ChangeMarker);

/// <summary>
/// One version of a remote secret. Value bytes are plaintext in memory only, never logged. Value is
/// null when the version cannot be read any more (deleted, disabled, destroyed: see State).
/// Tags are <c>key=value</c> strings (Vault custom metadata, AWS tags, Azure tags, GCP labels).
/// </summary>
public sealed record RemoteSecret(
    string Name,
    string RemoteVersion,
    RemoteSecretValue? Value,
    IReadOnlyList<string> Tags,
    DateTimeOffset? UpdatedAt,
    RemoteVersionState State = RemoteVersionState.Active,
    DateTimeOffset? ExpiresAt = null);

public sealed record RemoteSecretValue(SecretType SecretType, byte[] Bytes);

public enum RemoteVersionState
{
    Active,
    Disabled,
    Deleted,
    Destroyed,
}
