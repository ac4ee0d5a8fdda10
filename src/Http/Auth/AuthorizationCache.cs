using System.Collections.Concurrent;
using Marten;
using Marten.Services;
using ScaiVault.Domain.Identities;
using ScaiVault.Domain.Policies;
using ScaiVault.Http.Identities;
using ScaiVault.Http.Setup;
using StackExchange.Redis;

namespace ScaiVault.Http.Auth;

/// <summary>
/// Per-node cache of what a policy check loads (the caller's cached identity and the policies bound to
/// its subjects), so a check is usually no database round trip. Correctness comes first:
/// - every commit that holds policy or identity events clears that tenant here (a Marten listener) and
///   tells every other node through Redis pub/sub, which clears it there;
/// - while this node is not subscribed to Redis (down, reconnecting) nothing is cached or served from
///   cache, and everything is dropped when the subscription comes back (messages may have been missed);
/// - a load that overlaps a clear is not stored (tenant generations), and entries expire after a minute
///   as a last safety net.
/// </summary>
public sealed class AuthorizationCache(ScaiVaultSettings settings, ILogger<AuthorizationCache> logger) : IHostedService, IAsyncDisposable
{
    public const string Channel = "scaivault:authz:invalidate";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private const int MaxEntriesPerTenant = 10_000;

    private readonly ConcurrentDictionary<string, TenantEntries> _tenants = new(StringComparer.Ordinal);
    private ConnectionMultiplexer? _redis;
    private volatile bool _subscribed;

    public bool Enabled => _subscribed && _redis?.IsConnected == true;

    public async Task<CachedIdentity?> IdentityAsync(string tenant, string userId, Func<Task<CachedIdentity?>> load) =>
        await GetOrLoad(tenant, "i:" + userId, async () => (object?)await load()) as CachedIdentity;

    public async Task<EvaluablePolicy[]> PoliciesAsync(string tenant, string[] subjects, Func<Task<EvaluablePolicy[]>> load) =>
        (EvaluablePolicy[])(await GetOrLoad(tenant, "p:" + string.Join('\n', subjects.Order(StringComparer.Ordinal)), async () => await load()))!;

    /// <summary>Clears a tenant on this node and on every other node.</summary>
    public async Task InvalidateAsync(string tenant)
    {
        Clear(tenant);
        if (_redis is { IsConnected: true } redis)
        {
            try { await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(Channel), tenant); }
            catch (RedisException e) { logger.LogWarning(e, "Could not tell other nodes to clear the authorization cache of tenant {Tenant}", tenant); }
        }
    }

    public void Clear(string tenant) => _tenants.AddOrUpdate(tenant, _ => new TenantEntries(), (_, old) => old.Cleared());

    public void ClearAll()
    {
        foreach (var tenant in _tenants.Keys) Clear(tenant);
    }

    /// <summary>How many entries a tenant holds (for tests and diagnostics).</summary>
    public int Count(string tenant) => _tenants.TryGetValue(tenant, out var entries) ? entries.Items.Count : 0;

    private async Task<object?> GetOrLoad(string tenant, string key, Func<Task<object?>> load)
    {
        if (!Enabled) return await load();
        var entries = _tenants.GetOrAdd(tenant, _ => new TenantEntries());
        if (entries.Items.TryGetValue(key, out var hit) && hit.Expires > DateTimeOffset.UtcNow) return hit.Value;

        var value = await load();
        // Stored only if no clear happened meanwhile: the loaded value may predate the change that cleared.
        if (_tenants.TryGetValue(tenant, out var now) && ReferenceEquals(now, entries) && Enabled)
        {
            if (entries.Items.Count >= MaxEntriesPerTenant) entries.Items.Clear();
            entries.Items[key] = new Entry(value, DateTimeOffset.UtcNow + Lifetime);
        }
        return value;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = ConfigurationOptions.Parse(settings.Redis);
        options.AbortOnConnectFail = false;
        _redis = await ConnectionMultiplexer.ConnectAsync(options);
        _redis.ConnectionFailed += (_, _) => { _subscribed = false; ClearAll(); };
        _redis.ConnectionRestored += (_, _) => _ = SubscribeAsync();
        await SubscribeAsync();
    }

    private async Task SubscribeAsync()
    {
        try
        {
            await _redis!.GetSubscriber().SubscribeAsync(RedisChannel.Literal(Channel), (_, tenant) => Clear(tenant.ToString()));
            ClearAll();
            _subscribed = _redis.IsConnected;
        }
        catch (RedisException e)
        {
            _subscribed = false;
            logger.LogWarning(e, "Authorization cache off: cannot subscribe to Redis");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
    }

    private sealed record Entry(object? Value, DateTimeOffset Expires);

    /// <summary>One generation of a tenant's entries: a clear replaces the object rather than emptying it.</summary>
    private sealed class TenantEntries
    {
        public ConcurrentDictionary<string, Entry> Items { get; } = new(StringComparer.Ordinal);
        public TenantEntries Cleared() => new();
    }

    /// <summary>Clears the tenant of every committed session that holds policy or identity events.</summary>
    public sealed class InvalidateOnCommit(AuthorizationCache target) : DocumentSessionListenerBase
    {
        public override async Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
        {
            if (commit.GetEvents().Any(e => e.Data is PolicyDefined or PolicyChanged or PolicyBound or PolicyUnbound or PolicyRemoved
                    or IdentityUpdated or GroupMemberAdded or GroupMemberRemoved or IdentityDeleted))
                await target.InvalidateAsync(session.TenantId);
        }
    }
}
