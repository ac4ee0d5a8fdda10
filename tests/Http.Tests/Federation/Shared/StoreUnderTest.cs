using System.Text.Json;
using Alba;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Federation.Shared;

/// <summary>
/// One external store behind its fake server, as the shared federation scenarios drive it: configure ScaiVault's
/// backend for it (credentials stored in ScaiVault first), write remote versions as someone working in the store
/// would, read what it holds now, take it down and bring it back. Remote values are JSON objects <c>{"v": "…"}</c>.
/// Keys are backend names below the mapping root (<c>apps/db</c>); each store spells them its own way.
/// </summary>
public abstract class StoreUnderTest : IAsyncDisposable
{
    public abstract string Type { get; }

    /// <summary>The backend side of the mapping <c>{prefix}/**</c> → template.</summary>
    public abstract string Template { get; }

    /// <summary>Stores the backend's credentials at <paramref name="credentialsPath"/> in ScaiVault and returns the backend config.</summary>
    public abstract Task<object> ConfigureAsync(IAlbaHost host, string credentialsPath);

    /// <summary>A new remote version of a key (creating the secret).</summary>
    public void Put(string key, string value) => PutNative(Native(key), value);

    /// <summary>A new remote version under the store's own name for it.</summary>
    public abstract void PutNative(string nativeName, string value);

    /// <summary>The <c>v</c> of the key's current remote value, or null when there is none.</summary>
    public abstract string? Current(string key);

    public abstract void Down();

    public abstract void Up();

    /// <summary>The next few calls are throttled as the store throttles (429, ThrottlingException, …).</summary>
    public abstract void ThrottleNext(int calls);

    /// <summary>A name the store holds but whose ScaiVault path the path grammar rejects (it must be skipped and reported).</summary>
    public abstract string RejectedNativeName { get; }

    /// <summary>Does the store keep older versions a first sync imports (all four do; KV v1 would not).</summary>
    public virtual bool KeepsHistory => true;

    protected virtual string Native(string key) => key;

    protected static string Value(string v) => JsonSerializer.Serialize(new { v });

    protected static Task StoreCredentials(IAlbaHost host, string path, object data) =>
        host.Call("PUT", $"/v1/secrets/{path}", JsonSerializer.Serialize(new { data, secret_type = "json" }));

    public abstract ValueTask DisposeAsync();

    public override string ToString() => Type;

    public static async Task<StoreUnderTest> StartAsync(string type) => type switch
    {
        "hashicorp-vault" => await VaultUnderTest.StartAsync(),
        "aws-secrets-manager" => await AsmUnderTest.StartAsync(),
        "azure-key-vault" => await AzureUnderTest.StartAsync(),
        "google-secret-manager" => await GcpUnderTest.StartAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no fake for this backend type"),
    };

    public static TheoryData<string> All => ["hashicorp-vault", "aws-secrets-manager", "azure-key-vault", "google-secret-manager"];
}
