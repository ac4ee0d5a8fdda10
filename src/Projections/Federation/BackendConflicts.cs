using Marten.Events.Aggregation;
using ScaiVault.Domain.Federation;

namespace ScaiVault.Projections.Federation;

/// <summary>
/// Open conflicts of a backend (GET …/conflicts; a <c>manual</c> one excludes its path from sync) and,
/// per path, the baseline a resolution set: the remote marker and local version both sides agreed on then,
/// so the next sync compares against the resolution instead of raising the same conflict again.
/// </summary>
public sealed record BackendConflicts(
    string Id,
    IReadOnlyDictionary<string, OpenConflict> Open,
    IReadOnlyDictionary<string, ConflictBaseline> Baselines);

public sealed record OpenConflict(string Path, string BackendName, int LocalVersion, string? RemoteVersion, string? RemoteMarker,
    ConflictResolution Policy, string RunId, DateTimeOffset DetectedAt);

/// <summary>
/// Local version <c>LocalVersion</c> and the backend's <c>RemoteVersion</c> (with its list marker, when known) hold the
/// same value: set by a "local wins" resolution, a write-through, or a sync that found nothing new behind a moved marker.
/// </summary>
public sealed record ConflictBaseline(string? RemoteMarker, int LocalVersion, DateTimeOffset ResolvedAt, string? RemoteVersion = null);

public partial class BackendConflictsProjection : SingleStreamProjection<BackendConflicts, string>
{
    public static BackendConflicts Create(FederationBackendConfigured e) =>
        new(e.BackendId, new Dictionary<string, OpenConflict>(), new Dictionary<string, ConflictBaseline>());

    public bool ShouldDelete(FederationBackendRemoved e) => true;

    public BackendConflicts Apply(SyncConflictDetected e, BackendConflicts c) =>
        e.Policy != ConflictResolution.Manual ? c : c with
        {
            Open = new Dictionary<string, OpenConflict>(c.Open)
            {
                [e.Path] = new(e.Path, e.BackendName, e.LocalVersion, e.RemoteVersion, e.RemoteMarker, e.Policy, e.RunId, e.DetectedAt),
            },
        };

    public BackendConflicts Apply(SyncConflictResolved e, BackendConflicts c)
    {
        var open = new Dictionary<string, OpenConflict>(c.Open);
        open.Remove(e.Path);
        var baselines = new Dictionary<string, ConflictBaseline>(c.Baselines);
        // A backend win imports the remote value: the secret's own sync origin is the baseline from then on.
        if (e.Winner == "local") baselines[e.Path] = new ConflictBaseline(e.RemoteMarker, e.LocalVersion, e.ResolvedAt, e.RemoteVersion);
        else baselines.Remove(e.Path);
        return c with { Open = open, Baselines = baselines };
    }

    public BackendConflicts Apply(WriteThroughDelivered e, BackendConflicts c) =>
        // The marker the backend now lists is unknown until the next sync reads it (and advances the baseline).
        WithBaseline(c, e.Path, new ConflictBaseline(null, e.LocalVersion, e.DeliveredAt, e.RemoteVersion));

    public BackendConflicts Apply(SyncBaselineAdvanced e, BackendConflicts c) =>
        WithBaseline(c, e.Path, new ConflictBaseline(e.RemoteMarker, e.LocalVersion, e.At, e.RemoteVersion));

    private static BackendConflicts WithBaseline(BackendConflicts c, string path, ConflictBaseline baseline) =>
        c with { Baselines = new Dictionary<string, ConflictBaseline>(c.Baselines) { [path] = baseline } };
}
