using System.Security.Cryptography;
using System.Threading.Channels;
using Marten;
using ScaiVault.Domain.Audit;

namespace ScaiVault.Http.Audit;

/// <summary>The audit entry could not be stored; the request it describes must not be answered.</summary>
public sealed class AuditUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Group commit of audit entries. Requests hand their entry to a channel and wait; one loop takes
/// everything pending, chains it, appends it in one Marten session (several tenants through
/// <c>ForTenant</c>) and one transaction, then releases every waiter. Under load a commit carries many
/// entries, so durability costs one round trip per batch, not per request.
///
/// This process is the only writer of its chain streams (<c>audit:&lt;chain id&gt;</c>, one per tenant),
/// so appends never contend with each other or with secret streams. After a failed commit the outcome
/// is unknown (a timeout may still have committed), so the writer rolls to a fresh chain rather than
/// risk a duplicate sequence: a chain never has a gap that is not a real break.
/// </summary>
public sealed class AuditWriter(IDocumentStore store, ILogger<AuditWriter> logger) : BackgroundService
{
    public const string StreamPrefix = "audit:";
    /// <summary>How long one batch may take to commit before its requests are answered 503.</summary>
    public static readonly TimeSpan CommitTimeout = TimeSpan.FromSeconds(5);
    private const int MaxBatch = 1024;
    private const long RollAfter = 1_000_000;

    private sealed record Pending(AuditEntryRecorded Draft, TaskCompletionSource Done);
    private sealed record Head(long Sequence, string Hash);

    private readonly Channel<Pending> _pending = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(16_384) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly string _node = NodeName();
    private readonly Dictionary<string, Head> _heads = new();
    private int _generation;
    private volatile bool _rollRequested;

    /// <summary>The chain this node appends to now (per tenant the stream is <c>audit:&lt;ChainId&gt;</c>).</summary>
    public string ChainId => $"{_node}-g{_generation}";

    /// <summary>Completes once the entry is committed; throws <see cref="AuditUnavailableException"/> if it cannot be.</summary>
    public async Task AppendAsync(AuditEntryRecorded draft, CancellationToken ct = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _pending.Writer.WriteAsync(new Pending(draft, done), ct);
        }
        catch (ChannelClosedException e)
        {
            throw new AuditUnavailableException("The audit writer is stopped.", e);
        }
        await done.Task;
    }

    /// <summary>
    /// One entry as a chain of its own, for a process without the writer running (the host commands): a
    /// one-entry chain needs no head to continue from and contends with nothing.
    /// </summary>
    public static async Task AppendStandaloneAsync(IDocumentStore store, AuditEntryRecorded draft)
    {
        var chain = "cli-" + NodeName();
        await using var session = store.LightweightSession();
        session.ForTenant(draft.TenantId).Events.Append(StreamPrefix + chain, AuditChain.Seal(draft, chain, 1, AuditChain.Genesis));
        await session.SaveChangesAsync();
    }

    /// <summary>Starts new chains at the next commit (after a store reset in tests, or by an operator's choice).</summary>
    public void RollChains() => _rollRequested = true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _pending.Reader;
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && reader.TryRead(out var next)) batch.Add(next);
                await CommitAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _pending.Writer.TryComplete();
            // Entries still queued at shutdown: drain them once more, so no request waits forever.
            batch.Clear();
            while (reader.TryRead(out var left)) batch.Add(left);
            if (batch.Count > 0) await CommitAsync(batch);
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        if (_rollRequested)
        {
            _rollRequested = false;
            Roll();
        }
        var staged = new Dictionary<string, Head>();
        try
        {
            await using var session = store.LightweightSession();
            foreach (var tenant in batch.GroupBy(p => p.Draft.TenantId))
            {
                var head = _heads.GetValueOrDefault(tenant.Key) ?? new Head(0, AuditChain.Genesis);
                var sealedEntries = new List<object>();
                foreach (var pending in tenant)
                {
                    var entry = AuditChain.Seal(pending.Draft, ChainId, head.Sequence + 1, head.Hash);
                    head = new Head(entry.Sequence, entry.Hash);
                    sealedEntries.Add(entry);
                }
                staged[tenant.Key] = head;
                session.ForTenant(tenant.Key).Events.Append(StreamPrefix + ChainId, sealedEntries);
            }
            using var timeout = new CancellationTokenSource(CommitTimeout);
            await session.SaveChangesAsync(timeout.Token);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not store {Count} audit entries; their requests are answered 503 and chain {Chain} is closed", batch.Count, ChainId);
            Roll();
            var failure = new AuditUnavailableException("The audit store is unavailable.", e);
            foreach (var pending in batch) pending.Done.TrySetException(failure);
            return;
        }

        foreach (var (tenant, head) in staged) _heads[tenant] = head;
        if (_heads.Values.Any(h => h.Sequence >= RollAfter)) Roll();
        foreach (var pending in batch) pending.Done.TrySetResult();
    }

    private void Roll()
    {
        _generation++;
        _heads.Clear();
    }

    private static string NodeName()
    {
        var host = new string(Environment.MachineName.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '-').Take(40).ToArray());
        return $"{(host.Length > 0 ? host : "node")}-{DateTime.UtcNow:yyyyMMddTHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
    }
}
