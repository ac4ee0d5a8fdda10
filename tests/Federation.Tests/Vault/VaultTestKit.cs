using System.Text;
using System.Text.Json;
using ScaiVault.Domain.Secrets;
using ScaiVault.Fakes;
using ScaiVault.Fakes.Vault;
using ScaiVault.Federation.Vault;

namespace ScaiVault.Federation.Tests.Vault;

/// <summary>The credentials a backend reads "through ScaiVault", as a dictionary; a missing path throws like a missing secret.</summary>
internal sealed class TestCredentials : ICredentialSource
{
    private readonly Dictionary<string, RemoteSecretValue> _secrets = new(StringComparer.Ordinal);

    public int Reads { get; private set; }

    public TestCredentials Json(string path, object value)
    {
        _secrets[path] = new RemoteSecretValue(SecretType.Json, JsonSerializer.SerializeToUtf8Bytes(value));
        return this;
    }

    public TestCredentials Raw(string path, SecretType type, string text)
    {
        _secrets[path] = new RemoteSecretValue(type, Encoding.UTF8.GetBytes(text));
        return this;
    }

    public Task<RemoteSecretValue> ReadAsync(string path, CancellationToken ct)
    {
        Reads++;
        return _secrets.TryGetValue(path, out var value)
            ? Task.FromResult(value)
            : throw new KeyNotFoundException($"no secret at {path}");
    }
}

/// <summary>A fake Vault plus a way to build the real adapter against it.</summary>
internal sealed class VaultTestKit : IAsyncDisposable
{
    private readonly List<IFederationBackend> _backends = [];

    private VaultTestKit(FakeVault vault, ManualClock clock)
    {
        Vault = vault;
        Clock = clock;
    }

    public FakeVault Vault { get; }
    public ManualClock Clock { get; }
    public TestCredentials Credentials { get; } = new();

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<VaultTestKit> StartAsync(TestCertificates? https = null)
    {
        var clock = new ManualClock();
        return new VaultTestKit(await FakeVault.StartAsync(clock, https), clock);
    }

    /// <summary>An adapter authenticating with the fake's root token unless the config says otherwise.</summary>
    public IFederationBackend Backend(object? config = null)
    {
        var json = JsonSerializer.SerializeToElement(config ?? new { endpoint = Vault.Endpoint, auth_method = "token", auth_config_path = "infra/vault/token" });
        if (config is null) Credentials.Json("infra/vault/token", new { token = Vault.Root.RootToken });
        var backend = new VaultBackendFactory(clock: Clock).Create(new BackendConnection("backend-test", "tenant-a", json, Credentials));
        _backends.Add(backend);
        return backend;
    }

    public static string Text(RemoteSecretValue? value) => Encoding.UTF8.GetString(value!.Bytes);

    public async ValueTask DisposeAsync()
    {
        foreach (var backend in _backends) backend.Dispose();
        await Vault.DisposeAsync();
    }
}

internal static class AsyncEnumerableTestExtensions
{
    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source) list.Add(item);
        return list;
    }
}
