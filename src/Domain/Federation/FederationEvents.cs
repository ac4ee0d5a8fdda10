using System.Text.Json;

namespace ScaiVault.Domain.Federation;

// One stream per (tenant, backend): the stream key is the backend id (fed_…), the tenant comes from
// Marten's conjoined tenancy. Configuration events carry the whole settings (not a diff), so status,
// listings and a replay never have to merge. No event holds a credential: the config names the
// ScaiVault path that holds it (auth_config_path, credentials_path).

public sealed record FederationBackendConfigured(string BackendId, BackendSettings Settings, string ConfiguredBy, DateTimeOffset ConfiguredAt);

public sealed record FederationBackendReconfigured(string BackendId, BackendSettings Settings, string ReconfiguredBy, DateTimeOffset ReconfiguredAt);

public sealed record FederationBackendRemoved(string BackendId, string RemovedBy, DateTimeOffset RemovedAt);

/// <summary>Someone asked for a sync now (POST …/sync); the backend's sync agent picks it up.</summary>
public sealed record SyncRequested(string BackendId, string RequestedBy, DateTimeOffset RequestedAt);

/// <summary>Trigger: <c>schedule</c>, <c>manual</c> (POST …/sync).</summary>
/// <summary>Node: the Wolverine node that ran it (cluster behaviour is visible in the backend's events).</summary>
public sealed record SyncStarted(string BackendId, string RunId, string Trigger, DateTimeOffset StartedAt, string? Node = null);

public sealed record SyncCompleted(string BackendId, string RunId, SyncReport Report, DateTimeOffset CompletedAt);

/// <summary>A run that could not finish (backend unreachable, credentials unusable): what was done before stays done.</summary>
public sealed record SyncFailed(string BackendId, string RunId, string Failure, string Reason, SyncReport Report, DateTimeOffset FailedAt);

/// <summary>The backend could not be reached by a sync run or a connection check (federation.backend.unreachable).</summary>
public sealed record BackendUnreachable(string BackendId, string Failure, string Reason, DateTimeOffset At);

/// <summary>A successful connection check (latency for the status endpoint).</summary>
public sealed record BackendReached(string BackendId, int LatencyMs, DateTimeOffset At);

/// <summary>Local and remote both changed a path since its last sync; <c>Policy</c> is the configured resolution.</summary>
public sealed record SyncConflictDetected(string BackendId, string Path, string BackendName, int LocalVersion,
    string? RemoteVersion, string? RemoteMarker, ConflictResolution Policy, string RunId, DateTimeOffset DetectedAt);

/// <summary>
/// Winner: <c>local</c> or <c>backend</c>. ResolvedBy is a caller, or <c>policy:backend_wins</c> / <c>policy:local_wins</c>.
/// RemoteVersion: the remote version the winner was chosen against, when known (backends without list markers need it).
/// </summary>
public sealed record SyncConflictResolved(string BackendId, string Path, string Winner, int LocalVersion, string? RemoteMarker,
    string ResolvedBy, DateTimeOffset ResolvedAt, string? RemoteVersion = null);

/// <summary>
/// A sync found nothing new at a path whose remote change marker moved (after a write-through, say): the new
/// marker becomes the baseline, so the next run skips the path without reading it.
/// </summary>
public sealed record SyncBaselineAdvanced(string BackendId, string Path, string RemoteMarker, string RemoteVersion, int LocalVersion,
    string RunId, DateTimeOffset At);

/// <summary>
/// A local write reached the backend (write-through): local version <c>LocalVersion</c> is remote version
/// <c>RemoteVersion</c> there, which is the path's sync baseline from now on. Never the value.
/// </summary>
public sealed record WriteThroughDelivered(string BackendId, string Path, string BackendName, int LocalVersion, string RemoteVersion,
    DateTimeOffset DeliveredAt);

/// <summary>
/// A write-through attempt failed. <c>Final</c>: no more attempts (the backend refused it, or retries ran out);
/// otherwise it is retried. Failure is a wire name (<c>unavailable</c>, <c>access_denied</c>, …).
/// </summary>
public sealed record WriteThroughFailed(string BackendId, string Path, string BackendName, int LocalVersion, string Failure, string Reason,
    int Attempt, bool Final, DateTimeOffset FailedAt);

public enum FederationMode
{
    Proxy,
    Sync,
}

public enum ConflictResolution
{
    BackendWins,
    LocalWins,
    Manual,
}

/// <summary>One ordered path-mapping entry: a ScaiVault pattern, a backend template, an optional value transform.</summary>
public sealed record MappingRule(string Pattern, string Template, string? Transform = null);

/// <summary>Everything a user configures on a backend.</summary>
public sealed record BackendSettings(
    string Name,
    string Type,
    JsonElement Config,
    IReadOnlyList<MappingRule> PathMapping,
    FederationMode Mode,
    string? SyncInterval,
    ConflictResolution ConflictResolution,
    bool WriteThrough);

/// <summary>What a sync run did. Skipped and errors carry paths and reasons, never values.</summary>
public sealed record SyncReport(
    int Synced,
    int VersionsImported,
    int Unchanged,
    IReadOnlyList<SkippedPath> Skipped,
    int Conflicts,
    IReadOnlyList<SyncError> Errors,
    long DurationMs,
    long OutboundCalls)
{
    public static readonly SyncReport Empty = new(0, 0, 0, [], 0, [], 0, 0);
}

public sealed record SkippedPath(string BackendName, string? Path, string Reason);

public sealed record SyncError(string BackendName, string? Path, string Failure, string Message);

public static class FederationWire
{
    public static string ToWire(this FederationMode mode) => mode == FederationMode.Proxy ? "proxy" : "sync";

    public static string ToWire(this ConflictResolution resolution) => resolution switch
    {
        ConflictResolution.BackendWins => "backend_wins",
        ConflictResolution.LocalWins => "local_wins",
        _ => "manual",
    };

    public static bool TryParseMode(string? s, out FederationMode mode)
    {
        mode = s == "sync" ? FederationMode.Sync : FederationMode.Proxy;
        return s is "proxy" or "sync";
    }

    public static bool TryParseResolution(string? s, out ConflictResolution resolution)
    {
        resolution = s switch
        {
            "backend_wins" => ConflictResolution.BackendWins,
            "local_wins" => ConflictResolution.LocalWins,
            _ => ConflictResolution.Manual,
        };
        return s is "backend_wins" or "local_wins" or "manual";
    }
}
