using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;

namespace ScaiVault.Fakes.Vault;

/// <summary>What a switched-on fault makes every request answer.</summary>
public enum VaultFault
{
    None,
    /// <summary>503 <c>{"errors":["Vault is sealed"]}</c>.</summary>
    Sealed,
    /// <summary>429 rate limit quota exceeded, with <c>Retry-After</c>.</summary>
    RateLimited,
    /// <summary>500 internal error.</summary>
    InternalError,
    /// <summary>The connection is dropped without an answer.</summary>
    DropConnection,
}

/// <summary>One request as the fake saw it (never the token itself).</summary>
public sealed record FakeVaultRequest(string Method, string Path, string Namespace, bool HadToken, string Route);

/// <summary>
/// A HashiCorp Vault stand-in speaking the wire format of <c>shared/reference/backends.md</c> §1 on
/// 127.0.0.1: KV v1 and v2 mounts, mount discovery, token/AppRole/Kubernetes auth, namespaces, and
/// test controls (seeding, faults, latency, call counts, a settable clock).
/// </summary>
public sealed class FakeVault : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FakeVaultNamespace> _namespaces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeVaultRequest> _requests = new();
    private FakeServerHost? _host;
    private VaultFault _fault;
    private int _faultsLeft;

    private FakeVault(TimeProvider clock) => Clock = clock;

    /// <summary>Starts a fake on a free loopback port; HTTPS when certificates are given.</summary>
    public static async Task<FakeVault> StartAsync(TimeProvider? clock = null, TestCertificates? https = null)
    {
        var vault = new FakeVault(clock ?? TimeProvider.System);
        var handler = new FakeVaultHandler(vault);
        vault._host = await FakeServerHost.StartAsync(app => app.Run(handler.HandleAsync), https?.Server);
        return vault;
    }

    /// <summary>The Vault address as a client configures it (<c>http://127.0.0.1:port</c>), without <c>/v1</c>.</summary>
    public string Endpoint => _host!.BaseAddress.ToString().TrimEnd('/');

    public TimeProvider Clock { get; }

    public FakeVaultNamespace Root => Namespace("");

    /// <summary>A namespace (<c>acme/finance</c>), created on first use; each has its own mounts and tokens.</summary>
    public FakeVaultNamespace Namespace(string name) =>
        _namespaces.GetOrAdd(name.Trim('/'), n => new FakeVaultNamespace(n, this));

    /// <summary>Delay before every answer; a client timeout shorter than it sees a timeout.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>The <c>Retry-After</c> seconds sent with 429.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Every request answers this fault until <see cref="Heal"/>.</summary>
    public void Fail(VaultFault fault)
    {
        lock (_calls) { _fault = fault; _faultsLeft = int.MaxValue; }
    }

    /// <summary>The next <paramref name="times"/> requests answer this fault, then the server works again.</summary>
    public void FailNext(VaultFault fault, int times = 1)
    {
        lock (_calls) { _fault = fault; _faultsLeft = times; }
    }

    public void Heal() => Fail(VaultFault.None);

    /// <summary>Requests per route, keyed like <c>GET kv/data</c>, <c>LIST kv/metadata</c>, <c>POST auth/approle/login</c>, <c>GET sys/internal/ui/mounts</c>.</summary>
    public IReadOnlyDictionary<string, int> Calls => new Dictionary<string, int>(_calls);

    public int CallsTo(string route) => _calls.GetValueOrDefault(route);

    public int TotalCalls => _calls.Values.Sum();

    /// <summary>The most recent requests (up to 10,000), oldest first.</summary>
    public IReadOnlyList<FakeVaultRequest> Requests => _requests.ToArray();

    public void ResetCalls()
    {
        _calls.Clear();
        _requests.Clear();
    }

    internal VaultFault TakeFault()
    {
        lock (_calls)
        {
            if (_fault == VaultFault.None || _faultsLeft <= 0) return VaultFault.None;
            if (_faultsLeft != int.MaxValue && --_faultsLeft == 0)
            {
                var last = _fault;
                _fault = VaultFault.None;
                return last;
            }
            return _fault;
        }
    }

    internal void Record(FakeVaultRequest request)
    {
        _calls.AddOrUpdate(request.Route, 1, (_, n) => n + 1);
        _requests.Enqueue(request);
        while (_requests.Count > 10_000) _requests.TryDequeue(out _);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
