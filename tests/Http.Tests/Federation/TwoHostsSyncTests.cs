using System.Text.Json.Nodes;
using Alba;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Shouldly;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Federation;

/// <summary>
/// Two API nodes on one database: a backend's sync runs once per interval on one node, and moves to the other when
/// that node stops. The nodes talk to each other through Wolverine's database control queue, so unlike the shared
/// test host they keep Wolverine's transports: with them stubbed (DisableAllExternalWolverineTransports) the
/// leader's "start this shard" commands to the other node went nowhere, and the test passed only when the backend's
/// shard happened to land on the leader itself. They also get a database of their own (on the same server), not
/// only a schema, so that the shared host's leader election and agents never share advisory locks with them.
/// </summary>
[Collection(nameof(IntegrationCollection))]
public sealed class TwoHostsSyncTests(AppFixture fixture) : IAsyncLifetime
{
    private readonly string _schema = "sv_2h_" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IAlbaHost> _hosts = [];
    private readonly Npgsql.NpgsqlConnectionStringBuilder _server = new(Environment.GetEnvironmentVariable("SCAIVAULT_DB"));

    private string Database => new Npgsql.NpgsqlConnectionStringBuilder(_server.ConnectionString) { Database = _schema }.ConnectionString;

    private async Task OnServer(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private Task<IAlbaHost> StartNode() => AlbaHost.For<Program>(x => x
        .UseEnvironment("Production")
        .UseSetting("SCAIVAULT_DB", Database)
        .UseSetting("SCAIVAULT_DB_SCHEMA", _schema)
        .UseSetting("SCAIVAULT_AGENT_CHECK_MS", "2000")
        .ConfigureServices(services => services.AddSingleton<ScaiVault.Federation.IFederationBackendFactory>(fixture.MemoryBackends)));

    public async ValueTask InitializeAsync()
    {
        await OnServer($"create database {_schema}");
        _hosts.Add(await StartNode());
        _hosts.Add(await StartNode());
        foreach (var host in _hosts)
            host.Services.GetRequiredService<IDocumentStore>().Options.DatabaseSchemaName.ShouldBe(_schema);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();
        await OnServer($"drop database if exists {_schema} with (force)");
    }

    private static async Task<JsonNode[]> Runs(IAlbaHost host, string id)
    {
        var status = await host.GetJson($"/v1/federation/backends/{id}/status");
        return [.. status["recent_events"]!.AsArray().Where(e => e!["type"].Str() == "federation.sync.started").Select(e => e!).Reverse()];
    }

    private static string NodeOf(JsonNode started) => started["summary"].Str().Split("node ")[1];

    private Task<JsonNode[]> WaitForRuns(IAlbaHost host, string id, Func<JsonNode[], bool> done, TimeSpan timeout) =>
        WaitFor(host, () => Runs(host, id), done, runs => $"runs seen: {string.Join(", ", runs.Select(r => r.ToJsonString()))}", timeout);

    // Polls until done; on timeout the exception says what was last seen and the cluster state.
    private async Task<T> WaitFor<T>(IAlbaHost host, Func<Task<T>> probe, Func<T, bool> done, Func<T, string> describe, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var seen = await probe();
            if (done(seen)) return seen;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{describe(seen)}; {await ClusterState(host)}");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }

    private static Guid NodeId(IAlbaHost host) => host.Services.GetRequiredService<Wolverine.Runtime.IWolverineRuntime>().Options.UniqueNodeId;

    // When no run shows up, what Wolverine's leader saw: the nodes and which agents it assigned to them.
    private async Task<string> ClusterState(IAlbaHost host)
    {
        var data = host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();
        var lines = new List<string>();
        foreach (var table in new[] { "wolverine_nodes", "wolverine_node_assignments" })
        {
            try
            {
                await using var command = data.CreateCommand($"select row_to_json(t)::text from {_schema}.{table} t");
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) lines.Add($"{table}: {reader.GetString(0)}");
            }
            catch (Npgsql.PostgresException e)
            {
                lines.Add($"{table}: {e.MessageText}");
            }
        }
        return string.Join("; ", lines);
    }

    // Which node runs each sync shard, as the nodes themselves recorded on starting it.
    private async Task<Dictionary<string, Guid>> ShardOwners(IAlbaHost host)
    {
        var data = host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();
        await using var command = data.CreateCommand($"select id, node_id from {_schema}.wolverine_node_assignments where id like '{ScaiVault.Http.Federation.SyncAgentFamily.SchemeName}://%'");
        await using var reader = await command.ExecuteReaderAsync();
        var owners = new Dictionary<string, Guid>();
        while (await reader.ReadAsync()) owners[reader.GetString(0)] = reader.GetGuid(1);
        return owners;
    }

    [Fact]
    public async Task Shards_AreSpreadOverBothNodes()
    {
        // The leader starts its own shards locally but the other node's through the control queue: both must work.
        var owners = await WaitFor(_hosts[0], () => ShardOwners(_hosts[0]),
            o => o.Count == ScaiVault.Http.Federation.SyncAgentFamily.Shards && o.Values.Distinct().Count() == 2,
            o => $"shard owners: {string.Join(", ", o.Select(p => $"{p.Key}={p.Value}"))}", TimeSpan.FromSeconds(120));
        owners.Values.Distinct().Order().ShouldBe(_hosts.Select(NodeId).Order());
    }

    [Fact]
    public async Task Sync_RunsOncePerInterval_OnOneNode_AndMovesWhenThatNodeStops()
    {
        fixture.MemoryBackends.Store("two-hosts").Put("apps/a", new { k = "v" });
        var id = await _hosts[0].ConfigureMemoryBackend("two-hosts", mode: "sync", interval: "5s");

        // Three runs at the 5 s interval: never two at once, never closer than the interval, all on one node.
        var runs = await WaitForRuns(_hosts[1], id, r => r.Length >= 3, TimeSpan.FromSeconds(240));
        var starts = runs.Select(r => DateTimeOffset.Parse(r["at"].Str(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        for (var i = 1; i < starts.Length; i++) (starts[i] - starts[i - 1]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(4.9));
        var node = NodeOf(runs[^1]);
        runs.Select(NodeOf).Distinct().ShouldBe([node]);

        // Stop the node that runs it; a later run happens on the survivor.
        var owner = _hosts.Single(h => NodeId(h).ToString("N")[..12] == node);
        var survivor = _hosts.Single(h => h != owner);
        _hosts.Remove(owner);
        await owner.DisposeAsync();
        var moved = await WaitForRuns(survivor, id, r => r.Length > 0 && NodeOf(r[^1]) != node, TimeSpan.FromSeconds(240));
        NodeOf(moved[^1]).ShouldBe(NodeId(survivor).ToString("N")[..12]);
    }
}
