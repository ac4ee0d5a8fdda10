using System.Text.Json;
using ScaiVault.Domain.Federation;
using ScaiVault.Http.Secrets;
using ScaiVault.Projections.Federation;

namespace ScaiVault.Http.Federation;

/// <summary>The wire shape of a backend and of its status. The config holds only references (auth_config_path, credentials_path), never a credential.</summary>
public static class BackendJson
{
    public static void Write(Utf8JsonWriter json, FederationBackend backend, string? status = null)
    {
        var s = backend.Settings;
        json.WriteStartObject();
        json.WriteString("id", backend.Id);
        json.WriteString("name", s.Name);
        json.WriteString("type", s.Type);
        if (status is not null) json.WriteString("status", status);
        json.WritePropertyName("config");
        s.Config.WriteTo(json);
        json.WriteStartArray("path_mapping");
        foreach (var rule in s.PathMapping)
        {
            json.WriteStartObject();
            json.WriteString("scaivault_path", rule.Pattern);
            json.WriteString("backend_path", rule.Template);
            if (rule.Transform is not null) json.WriteString("transform", rule.Transform);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteString("mode", s.Mode.ToWire());
        if (s.SyncInterval is null) json.WriteNull("sync_interval");
        else json.WriteString("sync_interval", s.SyncInterval);
        json.WriteString("conflict_resolution", s.ConflictResolution.ToWire());
        json.WriteBoolean("write_through", s.WriteThrough);
        json.WriteNumber("revision", backend.Revision);
        SecretJson.WriteTime(json, "created_at", backend.CreatedAt);
        json.WriteString("created_by", backend.CreatedBy);
        SecretJson.WriteTime(json, "updated_at", backend.UpdatedAt);
        json.WriteEndObject();
    }

    public static void WriteStatus(Utf8JsonWriter json, BackendStatus status, string connection, int? latencyMs, BackendConflicts? conflicts, bool writeThrough)
    {
        json.WriteStartObject();
        json.WriteString("id", status.Id);
        json.WriteString("name", status.Name);
        json.WriteString("mode", status.Mode.ToWire());
        json.WriteString("status", connection == "unreachable" ? "unreachable" : status.Health == "unknown" ? (connection == "connected" ? "healthy" : "unknown") : status.Health);
        WriteTimeOrNull(json, "last_sync", status.LastSync);
        if (status.LastSyncDurationMs is { } duration) json.WriteNumber("last_sync_duration_ms", duration);
        else json.WriteNull("last_sync_duration_ms");
        json.WriteNumber("secrets_synced", status.SecretsSynced);
        json.WriteStartObject("connection");
        json.WriteString("status", connection);
        if (latencyMs is { } latency) json.WriteNumber("latency_ms", latency);
        else json.WriteNull("latency_ms");
        json.WriteEndObject();
        json.WriteBoolean("sync_running", status.RunningSince is not null);
        WriteTimeOrNull(json, "sync_requested_at", status.SyncRequestedAt);
        WriteTimeOrNull(json, "last_run_started_at", status.LastRunStartedAt);
        if (status.LastRunId is null) json.WriteNull("last_run_id");
        else json.WriteString("last_run_id", status.LastRunId);
        json.WritePropertyName("last_report");
        if (status.LastReport is null) json.WriteNullValue();
        else WriteReport(json, status.LastReport);
        if (status.LastError is null) json.WriteNull("last_error");
        else json.WriteString("last_error", status.LastError);
        json.WriteNumber("open_conflicts", conflicts?.Open.Count ?? 0);
        WriteWriteThrough(json, status, writeThrough);
        json.WriteStartArray("recent_events");
        foreach (var e in status.RecentEvents)
        {
            json.WriteStartObject();
            json.WriteString("type", e.Type);
            SecretJson.WriteTime(json, "at", e.At);
            if (e.RunId is not null) json.WriteString("run_id", e.RunId);
            json.WriteString("summary", e.Summary);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteWriteThrough(Utf8JsonWriter json, BackendStatus status, bool enabled)
    {
        json.WriteStartObject("write_through");
        json.WriteBoolean("enabled", enabled);
        json.WriteNumber("delivered", status.WriteThroughDelivered);
        WriteTimeOrNull(json, "last_delivered_at", status.LastWriteThroughAt);
        json.WriteStartArray("failures");
        foreach (var f in status.WriteThroughFailures.Values.OrderByDescending(f => f.At))
        {
            json.WriteStartObject();
            json.WriteString("path", f.Path);
            json.WriteNumber("local_version", f.LocalVersion);
            json.WriteString("failure", f.Failure);
            json.WriteString("reason", f.Reason);
            json.WriteNumber("attempt", f.Attempt);
            json.WriteBoolean("final", f.Final);
            SecretJson.WriteTime(json, "at", f.At);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteReport(Utf8JsonWriter json, SyncReport report)
    {
        json.WriteStartObject();
        json.WriteNumber("synced", report.Synced);
        json.WriteNumber("versions_imported", report.VersionsImported);
        json.WriteNumber("unchanged", report.Unchanged);
        json.WriteNumber("conflicts", report.Conflicts);
        json.WriteNumber("duration_ms", report.DurationMs);
        json.WriteNumber("backend_calls", report.OutboundCalls);
        json.WriteStartArray("skipped");
        foreach (var skip in report.Skipped)
        {
            json.WriteStartObject();
            json.WriteString("backend_path", skip.BackendName);
            if (skip.Path is null) json.WriteNull("path");
            else json.WriteString("path", skip.Path);
            json.WriteString("reason", skip.Reason);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("errors");
        foreach (var error in report.Errors)
        {
            json.WriteStartObject();
            json.WriteString("backend_path", error.BackendName);
            if (error.Path is null) json.WriteNull("path");
            else json.WriteString("path", error.Path);
            json.WriteString("failure", error.Failure);
            json.WriteString("message", error.Message);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteConflict(Utf8JsonWriter json, OpenConflict c)
    {
        json.WriteStartObject();
        json.WriteString("path", c.Path);
        json.WriteString("backend_path", c.BackendName);
        json.WriteNumber("local_version", c.LocalVersion);
        if (c.RemoteVersion is null) json.WriteNull("remote_version");
        else json.WriteString("remote_version", c.RemoteVersion);
        json.WriteString("resolution", c.Policy.ToWire());
        json.WriteString("run_id", c.RunId);
        SecretJson.WriteTime(json, "detected_at", c.DetectedAt);
        json.WriteEndObject();
    }

    private static void WriteTimeOrNull(Utf8JsonWriter json, string name, DateTimeOffset? at)
    {
        if (at is { } value) SecretJson.WriteTime(json, name, value);
        else json.WriteNull(name);
    }
}
