using ScaiVault.Domain.Crypto;

namespace ScaiVault.Domain.Secrets;

// One stream per (tenant, path): the stream key is the path, the tenant comes from Marten's conjoined
// tenancy. No event ever holds a plaintext value: SealedValue is ciphertext whose data key lives in
// the SecretKeyRing document, so deleting the key shreds the value while the event stays.

/// <summary><c>Import</c> is set when a federation sync wrote this version: where it came from (null = a local write).</summary>
public sealed record SecretVersionWritten(string Path, int Version, SecretType SecretType, SealedValue Value, string WrittenBy, DateTimeOffset WrittenAt,
    ImportedFrom? Import = null);

/// <summary>
/// Provenance of an imported version: the backend, the remote version it copies, the change marker the
/// backend listed for the secret when it was read, and the sync run. Paths and ids only, never a value.
/// </summary>
public sealed record ImportedFrom(string BackendId, string BackendName, string? RemoteVersion, string? ChangeMarker, string SyncRunId);

/// <summary>The whole new metadata and version limit (not a diff), so a replay never has to merge.</summary>
public sealed record SecretMetadataUpdated(string Path, SecretMetadata Metadata, int MaxVersions, string UpdatedBy, DateTimeOffset UpdatedAt);

public sealed record SecretVersionsSoftDeleted(string Path, int[] Versions, string DeletedBy, DateTimeOffset DeletedAt);

public sealed record SecretVersionsRestored(string Path, int[] Versions, string RestoredBy, DateTimeOffset RestoredAt);

/// <summary>Reason: "requested", "max_versions" or "secret_deleted".</summary>
public sealed record SecretVersionsDestroyed(string Path, int[] Versions, string Reason, string DestroyedBy, DateTimeOffset DestroyedAt);

public sealed record SecretDeleted(string Path, string DeletedBy, DateTimeOffset DeletedAt);

public static class DestroyReasons
{
    public const string Requested = "requested";
    public const string MaxVersions = "max_versions";
    public const string SecretDeleted = "secret_deleted";
}
