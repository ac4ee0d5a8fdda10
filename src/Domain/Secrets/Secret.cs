using System.Collections.Immutable;
using ScaiVault.Domain.Crypto;

namespace ScaiVault.Domain.Secrets;

/// <summary>
/// The write model of a secret and, projected inline, the document a read loads: the current
/// version's ciphertext and the metadata. <see cref="Live"/> holds every version not destroyed
/// (soft-deleted ones included: they can come back).
/// </summary>
public sealed record Secret(
    string Id,
    int LastVersion,
    SecretType SecretType,
    SealedValue? CurrentValue,
    SecretMetadata Metadata,
    int MaxVersions,
    ImmutableSortedSet<int> Live,
    ImmutableSortedSet<int> SoftDeleted,
    bool Deleted,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string VersionWrittenBy,
    DateTimeOffset VersionWrittenAt,
    SyncOrigin? Origin = null)
{
    public static Secret Create(SecretVersionWritten e) =>
        new(e.Path, e.Version, e.SecretType, e.Value, SecretMetadata.Empty, 0, [e.Version], [], false,
            e.WrittenAt, e.WrittenAt, e.WrittenBy, e.WrittenAt,
            e.Import is { } import ? new SyncOrigin(import.BackendId, import.ChangeMarker, import.RemoteVersion, e.Version) : null);

    public Secret Apply(SecretVersionWritten e) => this with
    {
        LastVersion = e.Version,
        SecretType = e.SecretType,
        CurrentValue = e.Value,
        Live = Live.Add(e.Version),
        Deleted = false,
        CreatedAt = Deleted ? e.WrittenAt : CreatedAt,
        UpdatedAt = e.WrittenAt,
        VersionWrittenBy = e.WrittenBy,
        VersionWrittenAt = e.WrittenAt,
        Origin = e.Import is { } import ? new SyncOrigin(import.BackendId, import.ChangeMarker, import.RemoteVersion, e.Version) : Origin,
    };

    public Secret Apply(SecretMetadataUpdated e) =>
        this with { Metadata = e.Metadata, MaxVersions = e.MaxVersions, UpdatedAt = e.UpdatedAt };

    public Secret Apply(SecretVersionsSoftDeleted e) =>
        this with { SoftDeleted = SoftDeleted.Union(e.Versions), UpdatedAt = e.DeletedAt };

    public Secret Apply(SecretVersionsRestored e) =>
        this with { SoftDeleted = SoftDeleted.Except(e.Versions), UpdatedAt = e.RestoredAt };

    public Secret Apply(SecretVersionsDestroyed e) => this with
    {
        Live = Live.Except(e.Versions),
        SoftDeleted = SoftDeleted.Except(e.Versions),
        CurrentValue = e.Versions.Contains(LastVersion) ? null : CurrentValue,
        UpdatedAt = e.DestroyedAt,
    };

    public Secret Apply(SecretDeleted e) => this with
    {
        Deleted = true,
        CurrentValue = null,
        Metadata = SecretMetadata.Empty,
        MaxVersions = 0,
        Live = [],
        SoftDeleted = [],
        UpdatedAt = e.DeletedAt,
    };

    [System.Text.Json.Serialization.JsonIgnore]
    public bool Exists => !Deleted;

    public VersionState StateOf(int version) =>
        version < 1 || version > LastVersion ? VersionState.Unknown
        : !Live.Contains(version) ? VersionState.Destroyed
        : SoftDeleted.Contains(version) ? VersionState.SoftDeleted
        : VersionState.Active;
}

/// <summary>
/// The last version a federation sync imported into this secret: which backend, the remote change marker
/// and version it copied, and the local version it became. A later local write leaves it in place, so
/// <c>LastVersion &gt; LocalVersion</c> means "changed locally since the last sync".
/// </summary>
public sealed record SyncOrigin(string BackendId, string? ChangeMarker, string? RemoteVersion, int LocalVersion);

public enum VersionState
{
    Unknown,
    Active,
    SoftDeleted,
    Destroyed,
}
