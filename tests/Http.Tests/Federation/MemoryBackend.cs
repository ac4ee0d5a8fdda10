using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ScaiVault.Domain.Secrets;
using ScaiVault.Federation;

namespace ScaiVault.Http.Tests.Federation;

/// <summary>
/// A port-level backend for engine tests (type <c>test-memory</c>): a named in-memory store with versions,
/// outage and latency switches and a call count. It goes through the same engine paths as a real adapter;
/// the wire-level behaviour of each real store is tested with its own adapter against its fake server.
/// </summary>
public sealed class MemoryBackendFactory : IFederationBackendFactory
{
    public const string TypeName = "test-memory";

    private readonly ConcurrentDictionary<string, MemoryStore> _stores = new(StringComparer.Ordinal);

    public string Type => TypeName;

    public MemoryStore Store(string name) => _stores.GetOrAdd(name, n => new MemoryStore(n));

    public IReadOnlyList<ConfigError> Validate(JsonElement config)
    {
        if (!config.TryGetProperty("store", out var store) || store.ValueKind != JsonValueKind.String || store.GetString() is not { Length: > 0 })
            return [new ConfigError("config.store", "is required: the name of the in-memory store.")];
        return [];
    }

    public IFederationBackend Create(BackendConnection connection)
    {
        var config = connection.Config;
        var credentials = config.TryGetProperty("auth_config_path", out var path) ? path.GetString() : null;
        return new MemoryBackend(Store(config.GetProperty("store").GetString()!), connection.Credentials, credentials);
    }
}

public sealed class MemoryStore(string name)
{
    private readonly ConcurrentDictionary<string, List<(string Version, string Json)>> _secrets = new(StringComparer.Ordinal);
    private long _reads;

    public string Name { get; } = name;
    public volatile bool Down;
    public TimeSpan Latency;
    public long Reads => Interlocked.Read(ref _reads);
    public long Lists;
    /// <summary>The credential value the adapter last read from ScaiVault (to prove it reads through the store).</summary>
    public string? LastCredential;

    public void Put(string name, object data)
    {
        var list = _secrets.GetOrAdd(name, _ => []);
        lock (list) list.Add(((list.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), JsonSerializer.Serialize(data)));
    }

    public IReadOnlyList<string> Names => [.. _secrets.Keys];

    internal IReadOnlyList<(string Version, string Json)>? Versions(string name)
    {
        Interlocked.Increment(ref _reads);
        if (!_secrets.TryGetValue(name, out var list)) return null;
        lock (list) return [.. list];
    }

    internal IEnumerable<RemoteSecretRef> List(string prefix)
    {
        Interlocked.Increment(ref Lists);
        foreach (var (name, list) in _secrets)
            if (name.StartsWith(prefix, StringComparison.Ordinal))
                lock (list) yield return new RemoteSecretRef(name, list.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

public sealed class MemoryBackend(MemoryStore store, ICredentialSource credentials, string? credentialPath) : IFederationBackend
{
    private long _calls;

    public string Type => MemoryBackendFactory.TypeName;
    public long OutboundCalls => Interlocked.Read(ref _calls);

    private async Task EnterAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _calls);
        if (credentialPath is not null)
        {
            var value = await credentials.ReadAsync(credentialPath, ct);
            store.LastCredential = Encoding.UTF8.GetString(value.Bytes);
        }
        if (store.Latency > TimeSpan.Zero) await Task.Delay(store.Latency, ct);
        if (store.Down) throw new FederationBackendException(BackendFailure.Unavailable, "connection refused");
    }

    public async Task<TimeSpan> CheckAsync(CancellationToken ct)
    {
        await EnterAsync(ct);
        return TimeSpan.FromMilliseconds(1);
    }

    public async IAsyncEnumerable<RemoteSecretRef> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        await EnterAsync(ct);
        foreach (var item in store.List(prefix)) yield return item;
    }

    public async Task<RemoteSecret?> ReadAsync(string name, CancellationToken ct)
    {
        await EnterAsync(ct);
        return store.Versions(name) is { Count: > 0 } versions ? ToRemote(name, versions[^1]) : null;
    }

    public async Task<IReadOnlyList<RemoteSecret>> ReadVersionsAsync(string name, CancellationToken ct)
    {
        await EnterAsync(ct);
        return [.. (store.Versions(name) ?? []).Select(v => ToRemote(name, v))];
    }

    public Task<string> WriteAsync(string name, RemoteSecretValue value, CancellationToken ct) =>
        throw new NotSupportedException("test-memory is read-only");

    private static RemoteSecret ToRemote(string name, (string Version, string Json) v) =>
        new(name, v.Version, new RemoteSecretValue(SecretType.Json, Encoding.UTF8.GetBytes(v.Json)), ["origin=memory"], DateTimeOffset.UtcNow);

    public void Dispose() { }
}
