using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScaiVault.Domain.Secrets;
using ScaiVault.Fakes.Azure;
using ScaiVault.Federation.Azure;

namespace ScaiVault.Federation.Tests.Azure;

/// <summary>ScaiVault secrets for the adapter to read its credentials from, in memory (no database needed here).</summary>
internal sealed class InMemoryCredentials : ICredentialSource
{
    private readonly Dictionary<string, RemoteSecretValue> _values = [];

    public InMemoryCredentials Add(string path, object json)
    {
        _values[path] = new RemoteSecretValue(SecretType.Json, JsonSerializer.SerializeToUtf8Bytes(json));
        return this;
    }

    public InMemoryCredentials AddRaw(string path, string text)
    {
        _values[path] = new RemoteSecretValue(SecretType.String, Encoding.UTF8.GetBytes(text));
        return this;
    }

    public Task<RemoteSecretValue> ReadAsync(string path, CancellationToken ct) =>
        _values.TryGetValue(path, out var value)
            ? Task.FromResult(value)
            : throw new KeyNotFoundException($"no secret at {path}");
}

/// <summary>A fake vault with a registered app (client secret) and a way to build the real adapter against it.</summary>
internal sealed class AzureHarness : IAsyncDisposable
{
    public const string ClientId = "0f9c1a52-6a1e-4a57-9b55-3d7c2f0e8a11";
    public const string ClientSecret = "cs~Very-Secret-Client-Secret-0123456789";
    public const string CredentialsPath = "infra/azure/kv-reader";

    private AzureHarness(FakeAzureKeyVault fake) => Fake = fake;

    public FakeAzureKeyVault Fake { get; }
    public InMemoryCredentials Credentials { get; } = new();

    public static async Task<AzureHarness> StartAsync()
    {
        var harness = new AzureHarness(await FakeAzureKeyVault.StartAsync());
        harness.Fake.RegisterClientSecret(ClientId, ClientSecret);
        harness.Credentials.Add(CredentialsPath,
            new { tenant_id = harness.Fake.TenantId, client_id = ClientId, client_secret = ClientSecret });
        return harness;
    }

    /// <summary>The config a user would store for this vault, with fast retries so tests stay quick.</summary>
    public JsonObject Config(string authMethod = "client_secret") => new()
    {
        ["vault_url"] = Fake.BaseAddress.ToString(),
        ["auth_method"] = authMethod,
        ["credentials_path"] = authMethod == "managed_identity" ? null : CredentialsPath,
        ["authority_host"] = authMethod == "managed_identity" ? null : Fake.BaseAddress.ToString(),
        ["ca_cert"] = Fake.CaPem,
        ["max_retries"] = 3,
        ["retry_delay_ms"] = 5,
        ["timeout_ms"] = 5_000,
    };

    public IFederationBackend Backend(JsonObject? config = null)
    {
        var json = JsonSerializer.SerializeToElement(config ?? Config());
        var factory = new AzureKeyVaultBackendFactory();
        factory.Validate(json).ShouldBeEmpty();
        return factory.Create(new BackendConnection("backend-azure-test", "acme", json, Credentials));
    }

    public ValueTask DisposeAsync() => Fake.DisposeAsync();
}

internal static class RemoteValues
{
    public static string Text(this RemoteSecret secret) => Encoding.UTF8.GetString(secret.Value!.Bytes);

    public static RemoteSecretValue Str(string text) => new(SecretType.String, Encoding.UTF8.GetBytes(text));

    public static RemoteSecretValue Json(string json) => new(SecretType.Json, Encoding.UTF8.GetBytes(json));
}
