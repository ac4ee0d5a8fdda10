using JasperFx;
using Marten;
using ScaiVault.Domain.Federation;
using ScaiVault.Federation.Sync;
using ScaiVault.Projections.Federation;
using Wolverine.Runtime;
using Wolverine.Runtime.Agents;

namespace ScaiVault.Http.Federation;

/// <summary>
/// Sync scheduling across a cluster with Wolverine's agent distribution: a fixed set of shard agents
/// (<c>scaivault-sync://shard/0</c> … <c>/3</c>) that Wolverine's elected leader assigns evenly to the live nodes
/// sharing the database and reassigns when a node stops or stops heartbeating. Each backend belongs to one shard
/// (a stable hash of tenant and id), so its sync runs on exactly one node at a time. A fixed shard set (rather than
/// an agent per backend) means a new backend or a POST …/sync is picked up within a poll, not at the leader's next
/// assignment check.
/// </summary>
public sealed class SyncAgentFamily(IServiceProvider services) : IStaticAgentFamily
{
    public const string SchemeName = "scaivault-sync";
    public const int Shards = 4;

    private static readonly Uri[] Agents = [.. Enumerable.Range(0, Shards).Select(ShardUri)];

    public string Scheme => SchemeName;

    public static Uri ShardUri(int shard) => new($"{SchemeName}://shard/{shard}");

    /// <summary>FNV-1a over the UTF-16 chars: stable across processes and versions (string.GetHashCode is not).</summary>
    public static int ShardOf(string tenant, string backendId)
    {
        var hash = 2166136261u;
        foreach (var c in $"{tenant}/{backendId}") hash = (hash ^ c) * 16777619u;
        return (int)(hash % Shards);
    }

    public ValueTask<IReadOnlyList<Uri>> AllKnownAgentsAsync() => ValueTask.FromResult<IReadOnlyList<Uri>>(Agents);

    public ValueTask<IReadOnlyList<Uri>> SupportedAgentsAsync() => ValueTask.FromResult<IReadOnlyList<Uri>>(Agents);

    public ValueTask<IAgent> BuildAgentAsync(Uri uri, IWolverineRuntime wolverineRuntime)
    {
        var shard = int.Parse(uri.AbsolutePath.Trim('/'), System.Globalization.CultureInfo.InvariantCulture);
        return ValueTask.FromResult<IAgent>(new SyncShardAgent(uri, shard, services));
    }

    public ValueTask EvaluateAssignmentsAsync(AssignmentGrid assignments)
    {
        assignments.DistributeEvenly(Scheme);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// One shard's loop: every <see cref="FederationOptions.AgentPoll"/>, run (one after the other) the syncs of
/// this shard's sync-mode backends that are requested or due. "Due" is measured from the last run's start as
/// recorded in the backend's status, so a shard that moves to another node neither repeats nor skips a run.
/// </summary>
public sealed class SyncShardAgent(Uri uri, int shard, IServiceProvider services) : IAgent
{
    private CancellationTokenSource? _stop;
    private Task? _loop;

    public Uri Uri { get; } = uri;

    public AgentStatus Status { get; private set; } = AgentStatus.Stopped;

    public string Description => $"ScaiVault federation sync, shard {shard} of {SyncAgentFamily.Shards}";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stop = new CancellationTokenSource();
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
        Status = AgentStatus.Running;
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Status = AgentStatus.Stopped;
        if (_stop is null || _loop is null) return;
        await _stop.CancelAsync();
        try { await _loop.WaitAsync(cancellationToken); }
        catch (OperationCanceledException) { }
        _stop.Dispose();
        _stop = null;
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        var options = services.GetRequiredService<FederationOptions>();
        var logger = services.GetRequiredService<ILogger<SyncShardAgent>>();
        var runner = services.GetRequiredService<SyncRunner>();
        var clock = services.GetRequiredService<TimeProvider>();
        var store = services.GetRequiredService<IDocumentStore>();
        logger.LogInformation("Federation sync shard {Shard} started on this node", shard);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                foreach (var (status, trigger) in await DueAsync(store, clock.GetUtcNow(), stop))
                {
                    if (stop.IsCancellationRequested) break;
                    await runner.RunAsync(status.Tenant, status.Id, trigger, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A database hiccup must not end the shard: the next poll tries again.
                logger.LogError(e, "Federation sync shard {Shard} poll failed", shard);
            }
            try { await Task.Delay(options.AgentPoll, clock, stop); }
            catch (OperationCanceledException) { break; }
        }
        logger.LogInformation("Federation sync shard {Shard} stopped on this node", shard);
    }

    private async Task<List<(BackendStatus Status, string Trigger)>> DueAsync(IDocumentStore store, DateTimeOffset now, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var candidates = await session.Query<BackendStatus>()
            .Where(s => s.AnyTenant() && s.Mode == FederationMode.Sync)
            .ToListAsync(ct);
        var due = new List<(BackendStatus, string)>();
        foreach (var status in candidates.Where(s => SyncAgentFamily.ShardOf(s.Tenant, s.Id) == shard).OrderBy(s => s.LastRunStartedAt ?? DateTimeOffset.MinValue))
        {
            if (status.SyncRequestedAt is { } requested && (status.LastRunStartedAt is not { } lastStart || requested > lastStart))
                due.Add((status, "manual"));
            else if (status.LastRunStartedAt is not { } started
                     || (SyncIntervals.TryParse(status.SyncInterval, out var interval, out _) && started + interval <= now))
                due.Add((status, "schedule"));
        }
        return due;
    }
}
