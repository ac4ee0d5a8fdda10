using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScaiVault.Domain.Secrets;
using ScaiVault.Fakes.Aws;
using ScaiVault.Federation.Aws;

namespace ScaiVault.Federation.Tests.Aws;

/// <summary>A fake Secrets Manager (+ STS) and the real adapter pointed at it, with keys stored as ScaiVault would hold them.</summary>
internal sealed class AsmTestBed : IAsyncDisposable
{
    public const string KeysPath = "infra/aws/sm-reader";
    public const string RoleArn = "arn:aws:iam::123456789012:role/scaivault-reader";

    private AsmTestBed(FakeSecretsManager fake, StoredSecrets stored, AwsSecretsManagerBackendFactory factory)
    {
        Fake = fake;
        Stored = stored;
        Factory = factory;
    }

    public FakeSecretsManager Fake { get; }
    public StoredSecrets Stored { get; }
    public AwsSecretsManagerBackendFactory Factory { get; }
    public AwsSecretsManagerBackend Backend { get; private set; } = null!;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Fast retries for tests: the delays are real but tiny.</summary>
    public static readonly AwsCallTuning FastRetries = new(MaxAttempts: 4, BaseDelay: TimeSpan.FromMilliseconds(1), MaxDelay: TimeSpan.FromMilliseconds(5));

    public static async Task<AsmTestBed> StartAsync(
        Action<JsonObject>? configure = null, TimeProvider? time = null, TimeProvider? fakeTime = null, AwsCallTuning? tuning = null)
    {
        var fake = await FakeSecretsManager.StartAsync(fakeTime ?? time);
        var stored = new StoredSecrets();
        stored.Put(KeysPath, $$"""{"access_key_id":"{{FakeSecretsManager.AccessKeyId}}","secret_access_key":"{{FakeSecretsManager.SecretAccessKey}}"}""");
        var bed = new AsmTestBed(fake, stored, new AwsSecretsManagerBackendFactory(new LoopbackHttpClients(), time, tuning ?? FastRetries));
        bed.Backend = bed.Create(configure);
        return bed;
    }

    public JsonObject Config(Action<JsonObject>? configure = null)
    {
        var config = new JsonObject
        {
            ["region"] = FakeSecretsManager.Region,
            ["credentials_path"] = KeysPath,
            ["endpoint"] = Fake.Endpoint.ToString(),
            ["sts_endpoint"] = Fake.Endpoint.ToString(),
            ["max_calls_per_second"] = 1000,
            ["timeout"] = "5s",
        };
        configure?.Invoke(config);
        return config;
    }

    public AwsSecretsManagerBackend Create(Action<JsonObject>? configure = null)
    {
        var config = JsonSerializer.SerializeToElement(Config(configure));
        Factory.Validate(config).ShouldBeEmpty();
        return Factory.CreateBackend(new BackendConnection("backend-test", "tenant-a", config, Stored));
    }

    public async ValueTask DisposeAsync()
    {
        Backend.Dispose();
        await Fake.DisposeAsync();
    }

    public static RemoteSecretValue Text(string text) => new(SecretType.String, Encoding.UTF8.GetBytes(text));

    public static async Task<List<RemoteSecretRef>> ListAll(IFederationBackend backend, string prefix)
    {
        var all = new List<RemoteSecretRef>();
        await foreach (var item in backend.ListAsync(prefix, Ct)) all.Add(item);
        return all;
    }
}

/// <summary>ScaiVault's side of credentials: the secrets the adapter may read, by path.</summary>
internal sealed class StoredSecrets : ICredentialSource
{
    private readonly Dictionary<string, RemoteSecretValue> _values = new(StringComparer.Ordinal);

    public void Put(string path, string json) => _values[path] = new RemoteSecretValue(SecretType.Json, Encoding.UTF8.GetBytes(json));

    public int Reads { get; private set; }

    public Task<RemoteSecretValue> ReadAsync(string path, CancellationToken ct)
    {
        Reads++;
        return _values.TryGetValue(path, out var value) ? Task.FromResult(value) : throw new KeyNotFoundException($"No secret at {path}.");
    }
}

internal sealed class LoopbackHttpClients : IHttpClientFactory
{
    private static readonly SocketsHttpHandler Handler = new() { UseProxy = false };

    public HttpClient CreateClient(string name) => new(Handler, disposeHandler: false);
}
