using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ScaiVault.Fakes.Azure;

/// <summary>
/// A protocol-faithful Azure Key Vault (secrets REST API, backends.md §3) plus the Entra ID pieces the real
/// Azure.Identity credentials talk to: a v2.0 token endpoint (client secret and certificate-signed client
/// assertion) and a managed identity endpoint (App Service style and IMDS style). HTTPS only, with a
/// certificate from a test CA (<see cref="CaPem"/>), so the real <c>SecretClient</c> runs against it unchanged.
/// </summary>
public sealed partial class FakeAzureKeyVault : IAsyncDisposable
{
    public const string VaultResource = "https://vault.azure.net";

    private readonly object _gate = new();
    private readonly Dictionary<string, StoredSecret> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, StoredSecret> _deleted = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _issuedTokens = new();   // token -> client id
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentQueue<string> _unmatched = new();
    private FakeServerHost? _host;
    private int _throttleRemaining;

    private FakeAzureKeyVault(string tenantId, TestCertificates.TlsMaterial tls)
    {
        TenantId = tenantId;
        Tls = tls;
    }

    public static async Task<FakeAzureKeyVault> StartAsync(string tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47")
    {
        var fake = new FakeAzureKeyVault(tenantId, TestCertificates.CreateTls());
        fake._host = await FakeServerHost.StartAsync(fake.Map, fake.Tls.Leaf);
        return fake;
    }

    public string TenantId { get; }
    public TestCertificates.TlsMaterial Tls { get; }
    public Uri BaseAddress => _host!.BaseAddress;

    /// <summary>The CA that signed the fake's TLS certificate, in PEM: what a client configures as trusted.</summary>
    public string CaPem => Tls.CaPem;

    // ---- test controls -------------------------------------------------------------------------------

    /// <summary>Page size of list answers when the client asks for none (the real service: 25).</summary>
    public int PageSize { get; set; } = 25;

    /// <summary>Delay before every vault API answer.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>While true every vault API request answers 503 ServiceUnavailable.</summary>
    public bool Outage { get; set; }

    /// <summary>While true every authenticated vault API request answers 403 Forbidden (ForbiddenByRbac): the identity lacks a role.</summary>
    public bool DenyAccess { get; set; }

    /// <summary>Seconds sent in Retry-After with throttled answers.</summary>
    public int RetryAfterSeconds { get; set; }

    /// <summary>The next <paramref name="count"/> authenticated vault API requests answer 429 Throttled.</summary>
    public void ThrottleNext(int count) => Interlocked.Exchange(ref _throttleRemaining, count);

    /// <summary>Requests seen per kind: <c>vault</c> (all vault API requests), <c>challenge</c> (401s), <c>throttled</c>, <c>token</c>, <c>msi</c>.</summary>
    public int Count(string kind) => _counts.GetValueOrDefault(kind);

    /// <summary>Requests no route answered (method and path): empty when the client spoke the protocol.</summary>
    public IReadOnlyCollection<string> Unmatched => [.. _unmatched];

    /// <summary>Every bearer token the fake issued, to check that none leaks into messages.</summary>
    public IReadOnlyCollection<string> IssuedTokens => [.. _issuedTokens.Keys];

    /// <summary>Adds a version to a secret (creating it) as if written directly in Azure; returns its version id.</summary>
    public string Seed(string name, string value, string? contentType = null, IReadOnlyDictionary<string, string>? tags = null,
        bool enabled = true, DateTimeOffset? expires = null, DateTimeOffset? created = null)
    {
        lock (_gate) return AddVersion(name, value, contentType, tags, enabled, expires, notBefore: null, created ?? DateTimeOffset.UtcNow).Id;
    }

    /// <summary>Enables or disables one version (what PATCH attributes.enabled does).</summary>
    public void SetEnabled(string name, string version, bool enabled)
    {
        lock (_gate) _secrets[name].Versions.Single(v => v.Id == version).Enabled = enabled;
    }

    /// <summary>Soft-deletes a secret as if deleted in Azure: gone from lists and reads, its name still taken (409 on set).</summary>
    public void SoftDelete(string name)
    {
        lock (_gate)
            if (_secrets.Remove(name, out var secret)) _deleted[secret.Name] = secret;
    }

    /// <summary>The stored versions of a secret, oldest first (for assertions on writes).</summary>
    public IReadOnlyList<StoredVersion> Versions(string name)
    {
        lock (_gate) return _secrets.TryGetValue(name, out var s) ? [.. s.Versions] : [];
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        _host = null;
    }

    // ---- model ---------------------------------------------------------------------------------------

    public sealed class StoredSecret(string name)
    {
        public string Name { get; } = name;
        public List<StoredVersion> Versions { get; } = [];
    }

    public sealed class StoredVersion
    {
        public required string Id { get; init; }
        public required string Value { get; init; }
        public string? ContentType { get; init; }
        public Dictionary<string, string> Tags { get; init; } = [];
        public bool Enabled { get; set; } = true;
        public DateTimeOffset? Expires { get; init; }
        public DateTimeOffset? NotBefore { get; init; }
        public DateTimeOffset Created { get; init; }
    }

    private StoredVersion AddVersion(string name, string value, string? contentType, IReadOnlyDictionary<string, string>? tags,
        bool enabled, DateTimeOffset? expires, DateTimeOffset? notBefore, DateTimeOffset created)
    {
        if (!_secrets.TryGetValue(name, out var secret)) _secrets[name] = secret = new StoredSecret(name);
        var version = new StoredVersion
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Value = value,
            ContentType = contentType,
            Tags = tags is null ? [] : new Dictionary<string, string>(tags),
            Enabled = enabled,
            Expires = expires,
            NotBefore = notBefore,
            Created = created,
        };
        secret.Versions.Add(version);
        return version;
    }

    private void Bump(string kind) => _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);

    private void Map(WebApplication app)
    {
        MapIdentity(app);
        MapSecrets(app);
        app.MapFallback((HttpContext http) =>
        {
            _unmatched.Enqueue($"{http.Request.Method} {http.Request.Path}");
            return Results.Json(new { error = new { code = "NotFound", message = "No such route in the fake." } }, statusCode: 404);
        });
    }
}
