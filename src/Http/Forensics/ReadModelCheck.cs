using JasperFx.Events;
using Marten;
using Npgsql;
using ScaiVault.Domain.Identities;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Setup;
using ScaiVault.Projections.Secrets;

namespace ScaiVault.Http.Forensics;

/// <summary>How one tenant's documents of one read model compare with what their events fold to.</summary>
public sealed record ReadModelReport(string Projection, string Tenant, int Documents, IReadOnlyList<string> Missing,
    IReadOnlyList<string> Stale, IReadOnlyList<string> Extra, bool Repaired)
{
    public bool Consistent => Missing.Count == 0 && Stale.Count == 0 && Extra.Count == 0;
}

/// <summary>
/// Tells a stale or missing read-model document from a correct one, which a read model cannot do by itself: every
/// stream of the projection's kind is folded from its events through the aggregator that builds the live document,
/// serialized with the store's serializer, and compared with the stored document. Marten has a rebuild but no such
/// check, hence this. <c>repair</c> stores the folded documents and deletes the ones no stream produces; it is meant
/// for a quiet moment (a write landing between the fold and the repair would be overwritten by the older fold until
/// that stream's next write; a second check shows it).
/// </summary>
public sealed class ReadModelCheck(IDocumentStore store, NpgsqlDataSource database, ScaiVaultSettings settings)
{
    /// <summary>The read models by projection name, with the streams each is built from.</summary>
    public static readonly IReadOnlyList<string> Projections = ["Secret", "SecretVersionHistory", "Policy", "Identity"];

    public Task<ReadModelReport> CheckAsync(string projection, string tenant, bool repair, CancellationToken ct) => projection switch
    {
        "Secret" => CheckAsync<Secret>(projection, tenant, IsSecretStream, s => s.Id, repair, ct),
        "SecretVersionHistory" => CheckAsync<SecretVersionHistory>(projection, tenant, IsSecretStream, h => h.Id, repair, ct),
        "Policy" => CheckAsync<Policy>(projection, tenant, k => k.StartsWith(PolicyKey.Prefix, StringComparison.Ordinal), p => p.Id, repair, ct),
        "Identity" => CheckAsync<Identity>(projection, tenant, k => k.StartsWith(Identity.StreamPrefix, StringComparison.Ordinal), i => i.Id, repair, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(projection), projection, $"Known projections: {string.Join(", ", Projections)}."),
    };

    /// <summary>Every tenant that has at least one stream.</summary>
    public async Task<IReadOnlyList<string>> TenantsAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        // The schema name comes from configuration, never from a request; it is quoted all the same.
        await using var command = new NpgsqlCommand($"SELECT DISTINCT tenant_id FROM \"{settings.Schema}\".mt_streams ORDER BY tenant_id", connection);
        var tenants = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) tenants.Add(reader.GetString(0));
        return tenants;
    }

    // A secret path never holds ':', while every other stream key has a "kind:" prefix.
    private static bool IsSecretStream(string key) => !key.Contains(':');

    private async Task<ReadModelReport> CheckAsync<T>(string projection, string tenant, Func<string, bool> ofKind, Func<T, string> idOf,
        bool repair, CancellationToken ct) where T : class
    {
        await using var session = store.LightweightSession(tenant);
        var serializer = store.Options.Serializer();
        var aggregator = ((DocumentStore)store).Options.Projections.AggregatorFor<T>();

        var events = await session.Events.QueryAllRawEvents().OrderBy(e => e.Sequence).ToListAsync(ct);
        var expected = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var stream in events.Where(e => e.StreamKey is not null && ofKind(e.StreamKey)).GroupBy(e => e.StreamKey!, StringComparer.Ordinal))
            if (await aggregator.BuildAsync([.. stream], session, null!, ct) is { } folded) expected[stream.Key] = folded;

        var stored = (await session.Query<T>().ToListAsync(ct)).ToDictionary(idOf, StringComparer.Ordinal);
        var missing = expected.Keys.Where(id => !stored.ContainsKey(id)).Order(StringComparer.Ordinal).ToList();
        var extra = stored.Keys.Where(id => !expected.ContainsKey(id)).Order(StringComparer.Ordinal).ToList();
        var stale = expected.Where(kv => stored.TryGetValue(kv.Key, out var doc) && serializer.ToJson(doc) != serializer.ToJson(kv.Value))
            .Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();

        var repaired = false;
        if (repair && (missing.Count + stale.Count + extra.Count) > 0)
        {
            foreach (var id in missing.Concat(stale)) session.Store(expected[id]);
            foreach (var id in extra) session.Delete(stored[id]);
            await session.SaveChangesAsync(ct);
            repaired = true;
        }
        return new ReadModelReport(projection, tenant, stored.Count, missing, stale, extra, repaired);
    }
}
