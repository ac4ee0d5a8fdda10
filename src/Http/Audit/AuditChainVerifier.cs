using Marten;
using Npgsql;
using ScaiVault.Domain.Audit;

namespace ScaiVault.Http.Audit;

/// <summary>
/// Walks every audit chain of every tenant in order, straight from the events, and reports for each chain
/// the first entry whose sequence, link or own hash is wrong. What it cannot see: entries cut off the end
/// of a chain (see docs/audit.md, "What the chain proves").
/// </summary>
public sealed class AuditChainVerifier(IDocumentStore store, NpgsqlDataSource dataSource)
{
    public sealed record ChainBreak(string TenantId, string StreamId, long StreamVersion, long Sequence, string Problem);
    public sealed record Report(int Chains, long Entries, IReadOnlyList<ChainBreak> Breaks)
    {
        public bool Intact => Breaks.Count == 0;
    }

    public async Task<Report> VerifyAsync(CancellationToken ct = default)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        var serializer = store.Options.Serializer();
        await using var command = dataSource.CreateCommand(
            $"select tenant_id, stream_id, version, data::text from {schema}.mt_events where type = @type order by tenant_id, stream_id, version");
        command.Parameters.AddWithValue("type", "audit_entry_recorded");
        await using var reader = await command.ExecuteReaderAsync(ct);

        var chains = 0;
        long entries = 0;
        var breaks = new List<ChainBreak>();
        (string Tenant, string Stream)? current = null;
        AuditEntryRecorded? previous = null;
        var broken = false;
        while (await reader.ReadAsync(ct))
        {
            var tenant = reader.GetString(0);
            var stream = reader.GetString(1);
            var version = reader.GetInt64(2);
            if (current != (tenant, stream))
            {
                current = (tenant, stream);
                chains++;
                previous = null;
                broken = false;
            }
            entries++;
            if (broken) continue;

            AuditEntryRecorded? entry;
            try
            {
                entry = serializer.FromJson<AuditEntryRecorded>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(reader.GetString(3))));
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
            {
                entry = null;
            }
            var problem = entry is null ? "the stored entry is not a readable audit entry" : AuditChain.Check(previous, entry);
            if (problem is null && entry!.TenantId != tenant) problem = $"the entry names tenant {entry.TenantId} but is stored in tenant {tenant}";
            if (problem is null && AuditWriter.StreamPrefix + entry!.ChainId != stream) problem = $"the entry names chain {entry.ChainId} but is stored in stream {stream}";
            if (problem is not null)
            {
                breaks.Add(new ChainBreak(tenant, stream, version, entry?.Sequence ?? -1, problem));
                broken = true; // everything after the first break of a chain follows from it
                continue;
            }
            previous = entry;
        }
        return new Report(chains, entries, breaks);
    }
}
