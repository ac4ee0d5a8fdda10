using ScaiVault.Domain.Federation;

namespace ScaiVault.Federation.Sync;

/// <summary>What a sync does with one listed backend secret.</summary>
public enum SyncAction
{
    /// <summary>The remote change marker is the one last synced (or accepted): nothing is read.</summary>
    Unchanged,
    /// <summary>Read and import the remote versions newer than the last import.</summary>
    Import,
    /// <summary>Both sides changed; the configured policy decides (see <see cref="SyncOutcome.Conflict"/>).</summary>
    Conflict,
    /// <summary>The path has an open manual conflict: excluded until someone resolves it.</summary>
    Excluded,
}

/// <summary>
/// The local side of a path as the sync sees it: does the secret exist, its last version, and the
/// baseline of the last sync (or of the last conflict resolution or write-through, whichever is later): the
/// remote change marker then, the local version then, and the remote version then.
/// </summary>
public sealed record LocalState(bool Exists, int LastVersion, string? BaselineMarker, int? BaselineLocalVersion, bool FromThisBackend,
    string? BaselineRemoteVersion = null);

public sealed record SyncOutcome(SyncAction Action, bool Conflict, ConflictResolution? Resolution)
{
    public static readonly SyncOutcome Unchanged = new(SyncAction.Unchanged, false, null);
    public static readonly SyncOutcome Import = new(SyncAction.Import, false, null);
    public static readonly SyncOutcome Excluded = new(SyncAction.Excluded, false, null);
}

/// <summary>
/// The pure rule of sync mode (federation deep dive, "Conflicts"): a path whose remote marker changed is
/// imported, unless it also changed locally since the baseline, which is a conflict the backend's policy
/// resolves. A path ScaiVault holds but never synced from this backend counts as changed locally.
/// </summary>
public static class SyncDecision
{
    public static SyncOutcome Decide(string? remoteMarker, LocalState? local, bool excluded, ConflictResolution policy) =>
        Decide(local is null || (RemoteChangedByMarker(remoteMarker, local) ?? true), local, excluded, policy);

    /// <summary>
    /// Whether the listing alone shows a remote change since the baseline; null when it cannot tell (the backend lists
    /// no marker, or the baseline has none yet, as after a write-through), and the remote versions must be read.
    /// </summary>
    public static bool? RemoteChangedByMarker(string? remoteMarker, LocalState local) =>
        remoteMarker is not null && local.BaselineMarker is not null ? remoteMarker != local.BaselineMarker : null;

    /// <summary>
    /// After reading the versions: changed when the newest is not the baseline's remote version; null when the backend's
    /// version ids do not tell values apart (Vault KV v1 always answers <c>current</c>, with no time) and only the value can.
    /// </summary>
    public static bool? RemoteChangedByVersion(RemoteSecret newest, LocalState local) =>
        newest.RemoteVersion != local.BaselineRemoteVersion ? true : newest.UpdatedAt is null ? null : false;

    /// <summary>The same rule once it is known, by marker or by reading, whether the remote changed.</summary>
    public static SyncOutcome Decide(bool remoteChanged, LocalState? local, bool excluded, ConflictResolution policy)
    {
        if (excluded) return SyncOutcome.Excluded;
        if (local is null) return SyncOutcome.Import;
        if (!remoteChanged) return SyncOutcome.Unchanged;
        var localChanged = local.Exists && (!local.FromThisBackend || local.BaselineLocalVersion is not { } baseline || local.LastVersion > baseline);
        if (!localChanged) return SyncOutcome.Import;
        return policy switch
        {
            // Remote wins: the import overwrites (a new local version; history keeps the local one).
            ConflictResolution.BackendWins => new SyncOutcome(SyncAction.Import, true, policy),
            // Local wins: nothing is imported; the baseline moves to the current remote marker.
            ConflictResolution.LocalWins => new SyncOutcome(SyncAction.Conflict, true, policy),
            _ => new SyncOutcome(SyncAction.Conflict, true, policy),
        };
    }
}
