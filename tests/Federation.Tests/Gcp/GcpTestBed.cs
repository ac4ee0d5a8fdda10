using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ScaiVault.Domain.Secrets;
using ScaiVault.Fakes.Gcp;
using ScaiVault.Federation.Gcp;

namespace ScaiVault.Federation.Tests.Gcp;

/// <summary>
/// One fake GSM with a registered service account, the key stored in a tiny in-memory credential
/// source (as ScaiVault would hand it over), a movable clock, and adapters built by the real factory.
/// </summary>
internal sealed class GcpTestBed : IAsyncDisposable
{
    public const string CredentialsPath = "infra/gcp/scaivault-reader";

    private readonly ServiceProvider _services;
    private readonly List<IFederationBackend> _backends = [];

    private GcpTestBed(FakeGcpSecretManager fake, FakeGcpServiceAccountKey key)
    {
        Fake = fake;
        Key = key;
        Credentials.Values[CredentialsPath] = new RemoteSecretValue(SecretType.Json, key.JsonBytes);
        _services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        Factory = new GcpSecretManagerFactory(_services.GetRequiredService<IHttpClientFactory>(), Time);
    }

    public FakeGcpSecretManager Fake { get; }
    public FakeGcpServiceAccountKey Key { get; }
    public ManualTimeProvider Time { get; } = new();
    public InMemoryCredentials Credentials { get; } = new();
    public GcpSecretManagerFactory Factory { get; }

    public static async Task<GcpTestBed> StartAsync()
    {
        var fake = await FakeGcpSecretManager.StartAsync();
        return new GcpTestBed(fake, fake.RegisterServiceAccount());
    }

    /// <summary>Service-account config against the fake, fast retries; entries in <paramref name="settings"/> override or add.</summary>
    public JsonElement Config(params (string Field, object? Value)[] settings)
    {
        var config = new Dictionary<string, object?>
        {
            ["project_id"] = FakeGcpSecretManager.ProjectId,
            ["credentials_path"] = CredentialsPath,
            ["endpoint"] = Fake.BaseAddress.AbsoluteUri,
            ["retry_base_delay_ms"] = 1,
            ["timeout_seconds"] = 20,
        };
        foreach (var (field, value) in settings)
        {
            if (value is null) config.Remove(field);
            else config[field] = value;
        }
        return JsonSerializer.SerializeToElement(config);
    }

    public IFederationBackend Backend(params (string Field, object? Value)[] settings)
    {
        var backend = Factory.Create(new BackendConnection("backend-gcp-test", "tenant-a", Config(settings), Credentials));
        _backends.Add(backend);
        return backend;
    }

    public static RemoteSecretValue Text(string value) => new(SecretType.String, Encoding.UTF8.GetBytes(value));

    public async ValueTask DisposeAsync()
    {
        foreach (var backend in _backends) backend.Dispose();
        await _services.DisposeAsync();
        await Fake.DisposeAsync();
    }
}

/// <summary>ICredentialSource over a dictionary: what the engine's ScaiVault-backed source returns, minus the store.</summary>
internal sealed class InMemoryCredentials : ICredentialSource
{
    public Dictionary<string, RemoteSecretValue> Values { get; } = new(StringComparer.Ordinal);
    public int Reads { get; private set; }

    public Task<RemoteSecretValue> ReadAsync(string path, CancellationToken ct)
    {
        Reads++;
        return Values.TryGetValue(path, out var value)
            ? Task.FromResult(value)
            : throw new KeyNotFoundException($"No secret at {path}.");
    }
}

/// <summary>A clock tests move by hand; timers and delays stay real.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
