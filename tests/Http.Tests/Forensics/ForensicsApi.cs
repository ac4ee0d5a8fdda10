using System.Text.Json.Nodes;
using Alba;
using JasperFx.Events;
using Marten;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Forensics;

/// <summary>Given-state and probes for the replay tests.</summary>
internal static class ForensicsApi
{
    // Every request also appends its audit entry; the marks are about the history the steps wrote.
    private const string AuditEvent = "audit_entry_recorded";

    /// <summary>
    /// The stored timestamp of the tenant's latest event: the instant right after the step that wrote it. Read
    /// back from Marten, so a test marks points in its history without sleeping or guessing clocks.
    /// </summary>
    public static async Task<DateTimeOffset> Mark(this IDocumentStore store, string tenant = "default")
    {
        await using var session = store.QuerySession(tenant);
        var last = await session.Events.QueryAllRawEvents().Where(e => e.EventTypeName != AuditEvent).OrderByDescending(e => e.Sequence).FirstAsync();
        return last.Timestamp;
    }

    /// <summary>A moment before anything was recorded in the tenant: one microsecond before its first event.</summary>
    public static async Task<DateTimeOffset> BeforeFirst(this IDocumentStore store, string tenant = "default")
    {
        await using var session = store.QuerySession(tenant);
        var first = await session.Events.QueryAllRawEvents().Where(e => e.EventTypeName != AuditEvent).OrderBy(e => e.Sequence).FirstAsync();
        return first.Timestamp.AddTicks(-10);
    }

    public static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"));

    public static async Task<JsonNode> ReplaySecret(this IAlbaHost host, string path, DateTimeOffset at, string extra = "", string prefix = "") =>
        await (await host.Call("GET", $"{prefix}/v1/audit/replay/secrets/{path}?at={Iso(at)}{extra}")).Json();

    public static async Task<JsonNode> ReplayPolicies(this IAlbaHost host, DateTimeOffset at, string prefix = "") =>
        await (await host.Call("GET", $"{prefix}/v1/audit/replay/policies?at={Iso(at)}")).Json();

    public static async Task<JsonNode> ReplayAccess(this IAlbaHost host, string identity, string path, DateTimeOffset at,
        string extra = "", string prefix = "/t/acme") =>
        await (await host.Call("GET", $"{prefix}/v1/audit/replay/access?identity_id={identity}&path={path}&at={Iso(at)}{extra}")).Json();

    public static (int Version, string State)[] States(JsonNode replayed) =>
        [.. replayed["versions"]!.AsArray().Select(v => (v!["version"].Int(), v["state"].Str()))];
}
