using System.Text.Json.Nodes;
using Alba;
using ScaiVault.Fakes.Aws;

namespace ScaiVault.Http.Tests.Federation.Shared;

internal sealed class AsmUnderTest(FakeSecretsManager asm) : StoreUnderTest
{
    public static async Task<StoreUnderTest> StartAsync() => new AsmUnderTest(await FakeSecretsManager.StartAsync());

    public override string Type => "aws-secrets-manager";
    public override string Template => "prod/**";
    // ASM allows "//" in a name; a ScaiVault path cannot have an empty segment.
    public override string RejectedNativeName => "prod/apps//double";

    protected override string Native(string key) => "prod/" + key;

    public override async Task<object> ConfigureAsync(IAlbaHost host, string credentialsPath)
    {
        await StoreCredentials(host, credentialsPath, new { access_key_id = FakeSecretsManager.AccessKeyId, secret_access_key = FakeSecretsManager.SecretAccessKey });
        return new { region = FakeSecretsManager.Region, credentials_path = credentialsPath, endpoint = asm.Endpoint.ToString() };
    }

    public override void PutNative(string nativeName, string value)
    {
        if (asm.Find(nativeName) is null) asm.Seed(nativeName, Value(value));
        else asm.PutValue(nativeName, Value(value));
    }

    public override string? Current(string key)
    {
        var secret = asm.Find(Native(key));
        var current = secret?.Versions.LastOrDefault(v => v.Stages.Contains("AWSCURRENT"));
        return current?.Text is { } text ? JsonNode.Parse(text)!["v"]?.GetValue<string>() : null;
    }

    public override void Down() => asm.Outage = true;
    public override void Up() => asm.Outage = false;
    public override void ThrottleNext(int calls) => asm.ThrottleNext(calls);

    public override ValueTask DisposeAsync() => asm.DisposeAsync();
}
