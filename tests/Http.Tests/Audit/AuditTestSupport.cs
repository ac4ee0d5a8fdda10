using System.Text.Json;
using Marten;
using Wolverine.Marten;
using Npgsql;
using ScaiVault.Domain.Audit;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Audit;

/// <summary>
/// Base of the audit tests: after the store reset the writer starts fresh chains (the reset removed the old
/// ones under its feet), and the stored audit events can be read back exactly as written.
/// </summary>
public abstract class AuditContext(AppFixture fixture) : IntegrationContext(fixture)
{
    protected NpgsqlDataSource Database => Host.Services.GetRequiredService<NpgsqlDataSource>();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Host.Services.GetRequiredService<AuditWriter>().RollChains();
    }

    /// <summary>Every stored audit event (any tenant) with this request id, straight from mt_events.</summary>
    protected async Task<List<AuditEntryRecorded>> EntriesFor(string requestId)
    {
        await using var command = Database.CreateCommand(
            $"select data::text from {Fixture.Schema}.mt_events where type = 'audit_entry_recorded' and data ->> 'RequestId' = @id");
        command.Parameters.AddWithValue("id", requestId);
        var entries = new List<AuditEntryRecorded>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) entries.Add(Store.Options.Serializer().FromJson<AuditEntryRecorded>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(reader.GetString(0)))));
        return entries;
    }

    /// <summary>The text of every audit row: the events and the projected log documents.</summary>
    protected async Task<List<string>> AllAuditRows()
    {
        var rows = new List<string>();
        foreach (var sql in new[]
                 {
                     $"select data::text from {Fixture.Schema}.mt_events where type = 'audit_entry_recorded'",
                     $"select data::text || ' ' || coalesce(path, '') || ' ' || coalesce(token_hmac, '') from {Fixture.Schema}.mt_doc_auditlogentry",
                 })
        {
            await using var command = Database.CreateCommand(sql);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        }
        return rows;
    }

    /// <summary>
    /// Brings the asynchronous audit log view up to the last event. Under Wolverine-managed projection
    /// distribution Marten's own wait is passive (it only watches agents Wolverine may not have started
    /// yet), so Wolverine's catch-up drives the projection to the high water mark and leaves it running.
    /// </summary>
    protected Task CatchUpAuditLog() => Host.PauseThenCatchUpOnMartenDaemonActivityAsync(timeout: TimeSpan.FromSeconds(60));

    protected static string NewRequestId() => "test-" + Guid.NewGuid().ToString("N");

    protected static JsonElement Parse(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
