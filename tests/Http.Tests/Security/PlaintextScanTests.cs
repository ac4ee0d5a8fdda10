using System.Security.Cryptography;
using System.Text;
using Alba;
using Npgsql;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Security;

/// <summary>
/// After a realistic life of several secrets (every type, new versions, metadata changes, soft deletes, destroys,
/// pruning, a whole-secret delete and a rewrite of the freed path), no table of the database holds any plaintext
/// value: not as text, not as hex, not as base64 at any alignment.
/// </summary>
public sealed class PlaintextScanTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private static string Marker(string kind) => $"PLAINTEXT-{kind}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";

    private static byte[] BinaryValue(string marker) => [.. Encoding.ASCII.GetBytes(marker), .. RandomNumberGenerator.GetBytes(48)];

    [Fact]
    public async Task EveryTable_AfterAFullSecretLifecycle_HoldsNoPlaintextValue()
    {
        var json1 = Marker("json1");
        var json2 = Marker("json2");
        var string1 = Marker("string1");
        var string2 = Marker("string2");
        var binary1 = BinaryValue(Marker("binary1"));
        var binary2 = BinaryValue(Marker("binary2"));
        var deleted = Marker("deleted");
        var reborn = Marker("reborn");
        const string visibleDescription = "scan-metadata-is-stored-in-the-clear";

        // json: two versions, the first soft-deleted
        await Host.PutSecret("scan/json", new { api_key = json1, nested = new { token = json1 } });
        await Host.PutSecret("scan/json", new { api_key = json2 }, metadata: new { tags = new[] { "scan" }, owner = "team:scan" });
        Assert.Contains(json1, await ReadText("/v1/secrets/scan/json?version=1"));
        await Ok("POST", "/v1/delete/scan/json", """{"versions": [1]}""", 204);

        // string: metadata patched, a second version, the first destroyed
        await Host.PutSecret("scan/string", string1, type: "string");
        await Ok("PATCH", "/v1/metadata/scan/string", "{\"metadata\": {\"description\": \"" + visibleDescription + "\"}}", 200);
        await Host.PutSecret("scan/string", string2, type: "string");
        await Ok("POST", "/v1/destroy/scan/string", """{"versions": [1]}""", 204);

        // binary: the second write prunes the first (max_versions 1)
        await Host.PutSecret("scan/binary", Convert.ToBase64String(binary1), type: "binary");
        await Host.PutSecret("scan/binary", Convert.ToBase64String(binary2), type: "binary", options: new { max_versions = 1 });

        // a whole secret deleted, then its path written again
        await Host.PutSecret("scan/deleted", new { password = deleted });
        await Ok("DELETE", "/v1/secrets/scan/deleted", null, 204);
        await Host.PutSecret("scan/deleted", new { password = reborn });

        // the live values really are stored and readable (so the scan below looks at real data)
        Assert.Contains(json2, await ReadText("/v1/secrets/scan/json"));
        Assert.Contains(string2, await ReadText("/v1/secrets/scan/string"));
        Assert.Contains(Convert.ToBase64String(binary2), await ReadText("/v1/secrets/scan/binary"));
        Assert.Contains(reborn, await ReadText("/v1/secrets/scan/deleted"));

        var plaintexts = new Dictionary<string, byte[]>
        {
            ["json1"] = Encoding.UTF8.GetBytes(json1),
            ["json2"] = Encoding.UTF8.GetBytes(json2),
            ["string1"] = Encoding.UTF8.GetBytes(string1),
            ["string2"] = Encoding.UTF8.GetBytes(string2),
            ["binary1"] = binary1,
            ["binary2"] = binary2,
            ["deleted"] = Encoding.UTF8.GetBytes(deleted),
            ["reborn"] = Encoding.UTF8.GetBytes(reborn),
        };
        var needles = plaintexts.SelectMany(p => LeakForms.Of(p.Value).Select(form => (p.Key, Form: form))).ToArray();

        var (rows, tables) = await ReadEveryRowAsText();

        // the scan saw the real data: the event log and the secret documents, paths and clear metadata included
        Assert.Contains(tables, t => t.Schema == Fixture.Schema && t.Table == "mt_events");
        Assert.Contains(tables, t => t.Schema == Fixture.Schema && t.Table == "mt_doc_secret");
        Assert.Contains(rows, r => r.Text.Contains("scan/binary"));
        Assert.Contains(rows, r => r.Text.Contains(visibleDescription));
        Assert.Contains(rows, r => r.Text.Contains("team:scan"));

        var leaks = (from row in rows
                     from needle in needles
                     where row.Text.Contains(needle.Form, StringComparison.OrdinalIgnoreCase)
                     select $"{row.Table}: {needle.Key} as '{needle.Form}'").Distinct().ToArray();
        Assert.True(leaks.Length == 0, "plaintext found in the database:\n" + string.Join("\n", leaks));
    }

    private async Task Ok(string method, string url, string? body, int status)
    {
        var result = body is null ? await Host.Send(method, url) : await Host.Send(method, url, body);
        Assert.True(result.Status() == status, $"{method} {url}: {result.Status()} {await result.CodeOrBody()}");
    }

    private async Task<string> ReadText(string url)
    {
        var result = await Host.Send("GET", url);
        Assert.Equal(200, result.Status());
        return await result.ReadAsTextAsync();
    }

    /// <summary>Every row of every table and view outside the system schemas (this run's schema included), as text.</summary>
    private async Task<(List<(string Table, string Text)> Rows, List<(string Schema, string Table)> Tables)> ReadEveryRowAsText()
    {
        await using var connection = await Database.OpenAsync();
        var tables = new List<(string Schema, string Table)>();
        await using (var command = new NpgsqlCommand(
                         """
                         SELECT table_schema, table_name FROM information_schema.tables
                         WHERE table_schema = @schema
                            OR table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE 'pg\_%'
                         ORDER BY 1, 2
                         """, connection))
        {
            command.Parameters.AddWithValue("schema", Fixture.Schema);
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken)) tables.Add((reader.GetString(0), reader.GetString(1)));
        }

        var rows = new List<(string Table, string Text)>();
        foreach (var (schema, table) in tables)
        {
            await using var command = new NpgsqlCommand($"SELECT t::text FROM {Database.Table(schema, table)} t", connection);
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken)) rows.Add(($"{schema}.{table}", reader.GetString(0)));
        }
        return (rows, tables);
    }
}
