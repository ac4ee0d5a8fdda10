using System.Collections.Concurrent;
using ScaiVault.Domain.Federation;
using ScaiVault.Federation;
using ScaiVault.Http.Secrets;

namespace ScaiVault.Http.Federation;

/// <summary>
/// One live adapter per (tenant, backend, configuration revision): adapters keep their auth tokens and
/// connections between calls, and a reconfiguration builds a fresh one (the old one is disposed).
/// </summary>
public sealed class BackendAdapters(BackendFactories factories, SecretStore secrets) : IDisposable
{
    private readonly ConcurrentDictionary<(string Tenant, string Id), (int Revision, IFederationBackend Adapter)> _live = new();
    private readonly Lock _gate = new();

    public IFederationBackend For(string tenant, FederationBackend backend)
    {
        var key = (tenant, backend.Id);
        if (_live.TryGetValue(key, out var live) && live.Revision == backend.Revision) return live.Adapter;
        lock (_gate)
        {
            if (_live.TryGetValue(key, out live) && live.Revision == backend.Revision) return live.Adapter;
            var factory = factories.Find(backend.Settings.Type)
                ?? throw new FederationBackendException(BackendFailure.BadResponse,
                    $"Backend type '{backend.Settings.Type}' is not available on this node.");
            var adapter = factory.Create(new BackendConnection(backend.Id, tenant, backend.Settings.Config,
                new StoreCredentialSource(secrets, tenant, backend.Id)));
            _live[key] = (backend.Revision, adapter);
            if (live.Adapter is not null && live.Revision < backend.Revision) live.Adapter.Dispose();
            return adapter;
        }
    }

    public void Forget(string tenant, string id)
    {
        if (_live.TryRemove((tenant, id), out var live)) live.Adapter.Dispose();
    }

    public void Dispose()
    {
        foreach (var (_, live) in _live) live.Adapter.Dispose();
        _live.Clear();
    }
}
