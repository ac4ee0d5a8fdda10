using JasperFx.Events;
using Marten.Events.Aggregation;
using ScaiVault.Domain.Federation;

namespace ScaiVault.Projections.Federation;

/// <summary>
/// Connection and sync status of a backend (GET …/status), and the recent federation events a user can
/// observe (federation.sync.completed, .failed, federation.backend.unreachable, conflicts). Never a value.
/// </summary>
public sealed record BackendStatus(
    string Id,
    string Tenant,
    string Name,
    FederationMode Mode,
    string? SyncInterval,
    DateTimeOffset? SyncRequestedAt,
    DateTimeOffset? LastRunStartedAt,
    string Health,
    string ConnectionStatus,
    int? LatencyMs,
    DateTimeOffset? ConnectionCheckedAt,
    string? RunningSince,
    string? LastRunId,
    DateTimeOffset? LastSync,
    long? LastSyncDurationMs,
    int SecretsSynced,
    SyncReport? LastReport,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    int OpenConflicts,
    IReadOnlyList<FederationEventEntry> RecentEvents)
{
    /// <summary>Write-through deliveries so far, the last one, and the paths whose latest delivery failed (cleared when one succeeds).</summary>
    public long WriteThroughDelivered { get; init; }
    public DateTimeOffset? LastWriteThroughAt { get; init; }
    public IReadOnlyDictionary<string, WriteThroughFailure> WriteThroughFailures { get; init; } = new Dictionary<string, WriteThroughFailure>();
}

public sealed record WriteThroughFailure(string Path, int LocalVersion, string Failure, string Reason, int Attempt, bool Final, DateTimeOffset At);

/// <summary>One observable federation event: <c>federation.sync.completed</c>, … with a one-line summary (paths and counts only).</summary>
public sealed record FederationEventEntry(string Type, DateTimeOffset At, string? RunId, string Summary);

public partial class BackendStatusProjection : SingleStreamProjection<BackendStatus, string>
{
    private const int KeepEvents = 50;
    private const int KeepFailures = 100;

    public static BackendStatus Create(IEvent<FederationBackendConfigured> @event)
    {
        var e = @event.Data;
        return new(e.BackendId, @event.TenantId, e.Settings.Name, e.Settings.Mode, e.Settings.SyncInterval, null, null, "unknown", "unknown", null, null, null, null, null, null, 0, null, null, null, 0,
            [new FederationEventEntry("federation.backend.configured", e.ConfiguredAt, null, $"configured by {e.ConfiguredBy}")]);
    }

    public BackendStatus Apply(FederationBackendReconfigured e, BackendStatus s) =>
        Log(s with { Name = e.Settings.Name, Mode = e.Settings.Mode, SyncInterval = e.Settings.SyncInterval },
            new("federation.backend.reconfigured", e.ReconfiguredAt, null, $"reconfigured by {e.ReconfiguredBy}; mode {e.Settings.Mode.ToWire()}"));

    public bool ShouldDelete(FederationBackendRemoved e) => true;

    public BackendStatus Apply(SyncRequested e, BackendStatus s) =>
        Log(s with { SyncRequestedAt = e.RequestedAt }, new("federation.sync.requested", e.RequestedAt, null, $"requested by {e.RequestedBy}"));

    public BackendStatus Apply(SyncStarted e, BackendStatus s) =>
        Log(s with { RunningSince = e.StartedAt.ToString("O"), LastRunId = e.RunId, LastRunStartedAt = e.StartedAt },
            new("federation.sync.started", e.StartedAt, e.RunId, $"trigger {e.Trigger}; node {e.Node ?? "?"}"));

    public BackendStatus Apply(SyncCompleted e, BackendStatus s) =>
        Log(s with
        {
            Health = e.Report.Errors.Count == 0 ? "healthy" : "degraded",
            ConnectionStatus = "connected",
            RunningSince = null,
            LastSync = e.CompletedAt,
            LastSyncDurationMs = e.Report.DurationMs,
            SecretsSynced = e.Report.Synced + e.Report.Unchanged,
            LastReport = e.Report,
            LastError = e.Report.Errors.Count == 0 ? null : s.LastError,
        }, new("federation.sync.completed", e.CompletedAt, e.RunId,
            $"synced {e.Report.Synced}, unchanged {e.Report.Unchanged}, skipped {e.Report.Skipped.Count}, conflicts {e.Report.Conflicts}, errors {e.Report.Errors.Count}, {e.Report.DurationMs} ms"));

    public BackendStatus Apply(SyncFailed e, BackendStatus s) =>
        Log(s with { Health = "failing", RunningSince = null, LastReport = e.Report, LastError = $"{e.Failure}: {e.Reason}", LastErrorAt = e.FailedAt },
            new("federation.sync.failed", e.FailedAt, e.RunId, $"{e.Failure}: {e.Reason}"));

    public BackendStatus Apply(BackendUnreachable e, BackendStatus s) =>
        Log(s with { Health = "unreachable", ConnectionStatus = "unreachable", LatencyMs = null, ConnectionCheckedAt = e.At,
                LastError = $"{e.Failure}: {e.Reason}", LastErrorAt = e.At },
            new("federation.backend.unreachable", e.At, null, $"{e.Failure}: {e.Reason}"));

    public BackendStatus Apply(BackendReached e, BackendStatus s) =>
        s with { ConnectionStatus = "connected", LatencyMs = e.LatencyMs, ConnectionCheckedAt = e.At,
            Health = s.Health is "unreachable" or "unknown" ? "healthy" : s.Health };

    public BackendStatus Apply(SyncConflictDetected e, BackendStatus s) =>
        Log(s with { OpenConflicts = e.Policy == ConflictResolution.Manual ? s.OpenConflicts + 1 : s.OpenConflicts },
            new("federation.sync.conflict_detected", e.DetectedAt, e.RunId, $"{e.Path} ({e.Policy.ToWire()})"));

    public BackendStatus Apply(SyncConflictResolved e, BackendStatus s) =>
        Log(s with { OpenConflicts = e.ResolvedBy.StartsWith("policy:", StringComparison.Ordinal) ? s.OpenConflicts : Math.Max(0, s.OpenConflicts - 1) },
            new("federation.sync.conflict_resolved", e.ResolvedAt, null, $"{e.Path}: {e.Winner} wins ({e.ResolvedBy})"));

    public BackendStatus Apply(WriteThroughDelivered e, BackendStatus s)
    {
        var failures = new Dictionary<string, WriteThroughFailure>(s.WriteThroughFailures);
        failures.Remove(e.Path);
        return Log(s with { WriteThroughDelivered = s.WriteThroughDelivered + 1, LastWriteThroughAt = e.DeliveredAt, WriteThroughFailures = failures },
            new("federation.write_through.delivered", e.DeliveredAt, null, $"{e.Path}: local version {e.LocalVersion} is remote version {e.RemoteVersion}"));
    }

    public BackendStatus Apply(WriteThroughFailed e, BackendStatus s)
    {
        // Bounded like the event list: a backend refusing every write must not grow this document without end.
        var failures = new Dictionary<string, WriteThroughFailure>(s.WriteThroughFailures);
        if (failures.Count >= KeepFailures && !failures.ContainsKey(e.Path))
            failures.Remove(failures.Values.MinBy(f => f.At)!.Path);
        failures[e.Path] = new(e.Path, e.LocalVersion, e.Failure, e.Reason, e.Attempt, e.Final, e.FailedAt);
        return Log(s with { WriteThroughFailures = failures },
            new("federation.write_through.failed", e.FailedAt, null, $"{e.Path} (attempt {e.Attempt}{(e.Final ? ", final" : "")}): {e.Failure}: {e.Reason}"));
    }

    private static BackendStatus Log(BackendStatus s, FederationEventEntry entry) =>
        s with { RecentEvents = [entry, .. s.RecentEvents.Take(KeepEvents - 1)] };
}
