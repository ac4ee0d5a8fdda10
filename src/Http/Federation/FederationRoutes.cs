using System.Collections.Concurrent;
using Marten;
using Marten.Services;
using ScaiVault.Domain.Federation;
using ScaiVault.Federation.Mapping;

namespace ScaiVault.Http.Federation;

/// <summary>Where a ScaiVault path goes in the backend that maps it.</summary>
public sealed record BackendRoute(FederationBackend Backend, MappedName Target);

/// <summary>
/// Which backends a tenant has and which of them maps a path. Every secret request asks, so the list is
/// cached per tenant: cleared on this node by a commit of a federation configuration event, reloaded
/// after <see cref="FederationOptions.RoutesTtl"/> for changes made on other nodes.
/// </summary>
public sealed class FederationRoutes(IServiceProvider services, FederationOptions options, TimeProvider clock)
{
    private sealed record Entry(DateTimeOffset LoadedAt, IReadOnlyList<(FederationBackend Backend, PathMapping Mapping)> Backends);

    private readonly ConcurrentDictionary<string, Entry> _byTenant = new(StringComparer.Ordinal);

    // Resolved on first use: the store's own configuration registers this class's commit listener, so taking
    // IDocumentStore in the constructor would make the store wait for itself.
    private IDocumentStore Store => field ??= services.GetRequiredService<IDocumentStore>();

    public async Task<IReadOnlyList<(FederationBackend Backend, PathMapping Mapping)>> BackendsAsync(string tenant, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_byTenant.TryGetValue(tenant, out var cached) && now - cached.LoadedAt < options.RoutesTtl) return cached.Backends;
        await using var session = Store.QuerySession(tenant);
        var backends = await session.Query<FederationBackend>().Where(b => !b.Removed).ToListAsync(ct);
        // Configuration order decides between overlapping mappings of two backends: the older one wins.
        var entry = new Entry(now, [.. backends.OrderBy(b => b.CreatedAt).ThenBy(b => b.Id, StringComparer.Ordinal)
            .Select(b => (b, PathMapping.From(b.Settings.PathMapping)))]);
        _byTenant[tenant] = entry;
        return entry.Backends;
    }

    /// <summary>The proxy-mode backend that maps this path (first configured, first matching entry), or null.</summary>
    public async Task<BackendRoute?> ProxyForAsync(string tenant, string path, CancellationToken ct)
    {
        foreach (var (backend, mapping) in await BackendsAsync(tenant, ct))
            if (backend.Settings.Mode == FederationMode.Proxy && mapping.ToBackend(path) is { } target)
                return new BackendRoute(backend, target);
        return null;
    }

    /// <summary>
    /// The proxy-mode backend that answers a listing of this prefix (first configured): one that proxies the whole
    /// subtree the prefix lies in, so that the listing shows what reads under it return. Null: the listing is local.
    /// </summary>
    public async Task<(FederationBackend Backend, PathMapping Mapping)?> ProxyListingForAsync(string tenant, string listingPrefix, CancellationToken ct)
    {
        foreach (var (backend, mapping) in await BackendsAsync(tenant, ct))
            if (backend.Settings.Mode == FederationMode.Proxy && mapping.HoldsSubtree(listingPrefix))
                return (backend, mapping);
        return null;
    }

    /// <summary>Proxied patterns that hold paths under a listing prefix which a local listing cannot show.</summary>
    public async Task<IReadOnlyList<(string BackendId, string Pattern)>> ProxiedUnderAsync(string tenant, string listingPrefix, CancellationToken ct) =>
        [.. (await BackendsAsync(tenant, ct))
            .Where(b => b.Backend.Settings.Mode == FederationMode.Proxy)
            .SelectMany(b => b.Mapping.PatternsUnder(listingPrefix).Select(pattern => (b.Backend.Id, pattern)))];

    /// <summary>
    /// The sync-mode backend with write-through on that a local write to this path goes to, or null. The first configured
    /// backend whose mapping covers the path decides, as it does for sync: one path, one source.
    /// </summary>
    public async Task<BackendRoute?> WriteThroughForAsync(string tenant, string path, CancellationToken ct)
    {
        foreach (var (backend, mapping) in await BackendsAsync(tenant, ct))
            if (backend.Settings.Mode == FederationMode.Sync && mapping.ToBackend(path) is { } target)
                return backend.Settings.WriteThrough ? new BackendRoute(backend, target) : null;
        return null;
    }

    public void Invalidate(string tenant) => _byTenant.TryRemove(tenant, out _);

    public sealed class InvalidateOnCommit(FederationRoutes target) : DocumentSessionListenerBase
    {
        public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
        {
            if (commit.GetEvents().Any(e => e.Data is FederationBackendConfigured or FederationBackendReconfigured or FederationBackendRemoved))
                target.Invalidate(session.TenantId);
            return Task.CompletedTask;
        }
    }
}
