using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;

namespace ScaiVault.Fakes.Gcp;

/// <summary>
/// A protocol-faithful GCP Secret Manager (REST v1, shared reference backends.md §4) with the OAuth
/// token endpoint of the service-account flow (<c>POST /token</c>, verifies the RS256 assertion) and
/// the metadata server's token endpoint (workload identity). It accepts only tokens it issued. Test
/// controls: seeding, version states, call counts, latency, throttling N times, outage, corrupt CRC32C,
/// permission denial, token revocation.
/// </summary>
public sealed partial class FakeGcpSecretManager : IAsyncDisposable
{
    public const string ProjectId = "scaivault-test";
    public const string ProjectNumber = "123456789012";

    private readonly object _lock = new();
    private readonly Dictionary<string, FakeSecret> _secrets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RSA> _serviceAccounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly List<string> _requests = [];
    private long _sequence;
    private int _throttleNext;
    private FakeServerHost? _host;

    private FakeGcpSecretManager() { }

    public static async Task<FakeGcpSecretManager> StartAsync()
    {
        var fake = new FakeGcpSecretManager();
        fake._host = await FakeServerHost.StartAsync(fake.MapRoutes);
        return fake;
    }

    public Uri BaseAddress => _host!.BaseAddress;

    /// <summary>Where the service-account key's <c>token_uri</c> points.</summary>
    public string TokenUri => new Uri(BaseAddress, "token").AbsoluteUri;

    /// <summary>host:port, as config <c>metadata_host</c> or GCE_METADATA_HOST take it.</summary>
    public string MetadataHost => BaseAddress.Authority;

    // ---- test controls ----

    /// <summary>Delay before every API answer (token endpoints answer at once).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Every API call answers 503 UNAVAILABLE while set.</summary>
    public bool Outage { get; set; }

    /// <summary>The OAuth and metadata token endpoints answer 503 while set.</summary>
    public bool TokenEndpointOutage { get; set; }

    /// <summary>Access answers carry a wrong <c>dataCrc32c</c> while set.</summary>
    public bool CorruptChecksums { get; set; }

    /// <summary>Every API call answers 403 PERMISSION_DENIED while set.</summary>
    public bool DenyPermission { get; set; }

    /// <summary>The <c>expires_in</c> of issued tokens.</summary>
    public int TokenLifetimeSeconds { get; set; } = 3599;

    /// <summary>Default page size when a list asks for none.</summary>
    public int DefaultPageSize { get; set; } = 25000;

    /// <summary>The next <paramref name="calls"/> API calls answer 429 RESOURCE_EXHAUSTED.</summary>
    public void ThrottleNext(int calls) => Interlocked.Exchange(ref _throttleNext, calls);

    /// <summary>Tokens issued so far stop working (answer 401 UNAUTHENTICATED).</summary>
    public void RevokeIssuedTokens()
    {
        lock (_lock) _tokens.Clear();
    }

    // ---- observation ----

    private int _apiCalls, _tokenRequests, _metadataTokenRequests, _throttled;
    public int ApiCalls => Volatile.Read(ref _apiCalls);
    public int TokenRequests => Volatile.Read(ref _tokenRequests);
    public int MetadataTokenRequests => Volatile.Read(ref _metadataTokenRequests);
    public int ThrottledCalls => Volatile.Read(ref _throttled);

    /// <summary>"METHOD path?query" of every API call, in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get { lock (_lock) return [.. _requests]; }
    }

    /// <summary>The access tokens issued so far (service-account and metadata flows).</summary>
    public IReadOnlyList<string> IssuedTokens
    {
        get { lock (_lock) return [.. _tokens.Keys]; }
    }

    // ---- seeding ----

    /// <summary>A service account whose assertions the token endpoint accepts; returns its JSON key file.</summary>
    public FakeGcpServiceAccountKey RegisterServiceAccount(string clientEmail = "scaivault-reader@scaivault-test.iam.gserviceaccount.com")
    {
        var key = FakeGcpServiceAccountKey.Create(clientEmail, TokenUri);
        lock (_lock) _serviceAccounts[clientEmail] = key.PublicKey;
        return key;
    }

    /// <summary>A secret with the given versions (1..n, all ENABLED) and labels.</summary>
    public void Seed(string secretId, IReadOnlyDictionary<string, string>? labels = null, params byte[][] versions)
    {
        lock (_lock)
        {
            var secret = new FakeSecret(secretId, NextTime(), labels?.ToDictionary() ?? []);
            _secrets[secretId] = secret;
            foreach (var data in versions) AddVersion(secret, data, clientChecksum: false);
        }
    }

    public void Seed(string secretId, params string[] versions) =>
        Seed(secretId, null, [.. versions.Select(v => System.Text.Encoding.UTF8.GetBytes(v))]);

    /// <summary>Adds the next version to a secret (creating it), as a direct <c>addVersion</c> in GCP would.</summary>
    public void AddVersion(string secretId, string value)
    {
        lock (_lock)
        {
            if (!_secrets.TryGetValue(secretId, out var secret)) _secrets[secretId] = secret = new FakeSecret(secretId, NextTime(), []);
            AddVersion(secret, System.Text.Encoding.UTF8.GetBytes(value), clientChecksum: false);
        }
    }

    /// <summary>ENABLED, DISABLED or DESTROYED (destroying drops the data).</summary>
    public void SetVersionState(string secretId, int version, string state)
    {
        lock (_lock)
        {
            var v = _secrets[secretId].Versions[version - 1];
            v.State = state;
            if (state == "DESTROYED")
            {
                v.Data = [];
                v.DestroyTime = NextTime();
            }
        }
    }

    public bool Exists(string secretId)
    {
        lock (_lock) return _secrets.ContainsKey(secretId);
    }

    public byte[]? Payload(string secretId, int version)
    {
        lock (_lock)
            return _secrets.TryGetValue(secretId, out var s) && version <= s.Versions.Count ? s.Versions[version - 1].Data : null;
    }

    public int VersionCount(string secretId)
    {
        lock (_lock) return _secrets.TryGetValue(secretId, out var s) ? s.Versions.Count : 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        lock (_lock)
            foreach (var rsa in _serviceAccounts.Values) rsa.Dispose();
    }

    // ---- state (guarded by _lock) ----

    private sealed class FakeSecret(string id, DateTimeOffset createTime, Dictionary<string, string> labels)
    {
        public string Id { get; } = id;
        public DateTimeOffset CreateTime { get; } = createTime;
        public Dictionary<string, string> Labels { get; } = labels;
        public List<FakeVersion> Versions { get; } = [];
    }

    private sealed class FakeVersion(int number, byte[] data, DateTimeOffset createTime, bool clientChecksum)
    {
        public int Number { get; } = number;
        public byte[] Data { get; set; } = data;
        public DateTimeOffset CreateTime { get; } = createTime;
        public bool ClientChecksum { get; } = clientChecksum;
        public string State { get; set; } = "ENABLED";
        public DateTimeOffset? DestroyTime { get; set; }
    }

    private FakeVersion AddVersion(FakeSecret secret, byte[] data, bool clientChecksum)
    {
        var version = new FakeVersion(secret.Versions.Count + 1, data, NextTime(), clientChecksum);
        secret.Versions.Add(version);
        return version;
    }

    /// <summary>Strictly increasing times, so newest-first ordering is well defined.</summary>
    private DateTimeOffset NextTime() =>
        new DateTimeOffset(2026, 1, 10, 9, 0, 0, TimeSpan.Zero).AddTicks(Interlocked.Increment(ref _sequence) * 1234567);
}
