using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using ScaiVault.Fakes.Gcp;

namespace ScaiVault.Http.Tests.Federation.Shared;

internal sealed class GcpUnderTest(FakeGcpSecretManager gcp) : StoreUnderTest
{
    private readonly FakeGcpServiceAccountKey _key = gcp.RegisterServiceAccount();

    public static async Task<StoreUnderTest> StartAsync() => new GcpUnderTest(await FakeGcpSecretManager.StartAsync());

    public override string Type => "google-secret-manager";
    public override string Template => "**";
    // "__" is how a "/" is written in a GSM secret id; four underscores would be an empty ScaiVault segment.
    public override string RejectedNativeName => "apps____double";

    protected override string Native(string key) => key.Replace("/", "__", StringComparison.Ordinal);

    public override async Task<object> ConfigureAsync(IAlbaHost host, string credentialsPath)
    {
        await StoreCredentials(host, credentialsPath, JsonDocument.Parse(_key.JsonBytes).RootElement);
        return new { project_id = FakeGcpSecretManager.ProjectId, credentials_path = credentialsPath, endpoint = gcp.BaseAddress.AbsoluteUri, retry_base_delay_ms = 1 };
    }

    public override void PutNative(string nativeName, string value) => gcp.AddVersion(nativeName, Value(value));

    public override string? Current(string key)
    {
        var count = gcp.VersionCount(Native(key));
        return count == 0 ? null : JsonNode.Parse(Encoding.UTF8.GetString(gcp.Payload(Native(key), count)!))!["v"]?.GetValue<string>();
    }

    public override void Down() => gcp.Outage = true;
    public override void Up() => gcp.Outage = false;
    public override void ThrottleNext(int calls) => gcp.ThrottleNext(calls);

    public override ValueTask DisposeAsync() => gcp.DisposeAsync();
}
