using System.Text.Json.Nodes;
using Alba;
using ScaiVault.Fakes.Azure;

namespace ScaiVault.Http.Tests.Federation.Shared;

internal sealed class AzureUnderTest(FakeAzureKeyVault azure) : StoreUnderTest
{
    private const string ClientId = "0f9c1a52-6a1e-4a57-9b55-3d7c2f0e8a11";
    private const string ClientSecret = "cs~Shared-Suite-Client-Secret-0123456789";

    public static async Task<StoreUnderTest> StartAsync()
    {
        var fake = await FakeAzureKeyVault.StartAsync();
        fake.RegisterClientSecret(ClientId, ClientSecret);
        return new AzureUnderTest(fake);
    }

    public override string Type => "azure-key-vault";
    public override string Template => "**";
    // "--" is how a "/" is written in an Azure name; four dashes would be an empty ScaiVault segment.
    public override string RejectedNativeName => "apps----double";

    protected override string Native(string key) => key.Replace("/", "--", StringComparison.Ordinal);

    public override async Task<object> ConfigureAsync(IAlbaHost host, string credentialsPath)
    {
        await StoreCredentials(host, credentialsPath, new { tenant_id = azure.TenantId, client_id = ClientId, client_secret = ClientSecret });
        return new
        {
            vault_url = azure.BaseAddress.ToString(),
            auth_method = "client_secret",
            credentials_path = credentialsPath,
            authority_host = azure.BaseAddress.ToString(),
            ca_cert = azure.CaPem,
            max_retries = 2,
            retry_delay_ms = 5,
        };
    }

    public override void PutNative(string nativeName, string value) => azure.Seed(nativeName, Value(value), contentType: "application/json");

    public override string? Current(string key) =>
        azure.Versions(Native(key)) is [.., var last] ? JsonNode.Parse(last.Value)!["v"]?.GetValue<string>() : null;

    public override void Down() => azure.Outage = true;
    public override void Up() => azure.Outage = false;
    public override void ThrottleNext(int calls) => azure.ThrottleNext(calls);

    public override ValueTask DisposeAsync() => azure.DisposeAsync();
}
