using System.Text.Json.Nodes;
using Alba;
using ScaiVault.Fakes.Vault;

namespace ScaiVault.Http.Tests.Federation.Shared;

internal sealed class VaultUnderTest(FakeVault vault) : StoreUnderTest
{
    private readonly FakeKvV2Mount _kv = vault.Root.KvV2("kv");

    public static async Task<StoreUnderTest> StartAsync() => new VaultUnderTest(await FakeVault.StartAsync());

    public override string Type => "hashicorp-vault";
    public override string Template => "kv/data/**";
    public override string RejectedNativeName => "apps/has space";

    public override async Task<object> ConfigureAsync(IAlbaHost host, string credentialsPath)
    {
        await StoreCredentials(host, credentialsPath, new { token = vault.Root.CreateToken(["root"]) });
        return new { endpoint = vault.Endpoint, auth_method = "token", auth_config_path = credentialsPath };
    }

    public override void PutNative(string nativeName, string value) => _kv.PutJson(nativeName, Value(value));

    public override string? Current(string key) => _kv.Get(key) is { } json ? JsonNode.Parse(json)!["v"]?.GetValue<string>() : null;

    public override void Down() => vault.Fail(VaultFault.Sealed);
    public override void Up() => vault.Heal();
    public override void ThrottleNext(int calls) => vault.FailNext(VaultFault.RateLimited, calls);

    public override ValueTask DisposeAsync() => vault.DisposeAsync();
}
