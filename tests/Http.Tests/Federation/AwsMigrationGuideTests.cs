using System.Text.Json;
using System.Text.Json.Nodes;
using Shouldly;
using ScaiVault.Fakes.Aws;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Federation;

/// <summary>
/// shared/seeds/migrate-from-aws-secrets-manager.txt end to end against the fake Secrets Manager, with the real
/// <c>aws-secrets-manager</c> adapter: store the static keys (step 3), configure federation as written (step 4,
/// plus the endpoint override that points at the fake), verify the read, and run the batch copy of step 5.
/// </summary>
public sealed class AwsMigrationGuideTests(AppFixture fixture) : IntegrationContext(fixture), IAsyncLifetime
{
    private FakeSecretsManager _asm = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _asm = await FakeSecretsManager.StartAsync();
        _asm.Seed("prod/billing/stripe", """{"api_key": "sk_live_aws_1"}""", tags: new Dictionary<string, string> { ["environment"] = "prod" });
        _asm.Seed("prod/billing/database", """{"username": "billing", "password": "aws-db-1"}""");
        _asm.Seed("prod/reporting/salesforce", """{"client_id": "sf-aws"}""");
        _asm.Seed("staging/billing/stripe", """{"api_key": "sk_test"}""");
    }

    public override async ValueTask DisposeAsync()
    {
        await _asm.DisposeAsync();
        await base.DisposeAsync();
    }

    private async Task<string> ConfigureAsInTheGuide()
    {
        // Step 3: the IAM user's keys live in ScaiVault.
        await Host.Call("PUT", "/v1/secrets/infra/aws/sm-reader", JsonSerializer.Serialize(new
        {
            data = new { access_key_id = FakeSecretsManager.AccessKeyId, secret_access_key = FakeSecretsManager.SecretAccessKey },
            secret_type = "json",
        }));

        // Step 4 as written; only the endpoint override is added, to reach the fake instead of AWS.
        var created = await (await Host.Call("POST", "/v1/federation/backends", $$"""
            {
              "name": "aws-prod-sm",
              "type": "aws-secrets-manager",
              "config": {
                "region": "us-east-1",
                "credentials_path": "infra/aws/sm-reader",
                "endpoint": "{{_asm.Endpoint}}"
              },
              "path_mapping": {
                "external/aws/**": "prod/**"
              },
              "mode": "sync",
              "sync_interval": "15m"
            }
            """, 201)).Json();
        created["id"].Str().ShouldStartWith("fed_");
        created.ToJsonString().ShouldNotContain(FakeSecretsManager.SecretAccessKey);
        return created["id"].Str();
    }

    [Fact]
    public async Task Guide_SyncRead_BatchCopy()
    {
        var id = await ConfigureAsInTheGuide();
        var first = (await Host.FirstSync(id))["last_report"]!;
        first["synced"].Int().ShouldBe(3);
        first["errors"]!.AsArray().ShouldBeEmpty();

        // "Verify a read": ASM secret prod/billing/stripe is ScaiVault path external/aws/billing/stripe.
        var read = await Host.GetJson("/v1/secrets/external/aws/billing/stripe");
        read["data"]!["api_key"].Str().ShouldBe("sk_live_aws_1");
        read["metadata"]!["tags"]!.AsArray().Select(t => t.Str()).ShouldContain("environment=prod");

        // Step 5: the batch copy script, through ScaiVault only.
        var mapping = new Dictionary<string, string>
        {
            ["external/aws/billing/stripe"] = "environments/production/billing/stripe",
            ["external/aws/billing/database"] = "environments/production/billing/database",
            ["external/aws/reporting/salesforce"] = "shared/integrations/salesforce/oauth",
        };
        foreach (var (src, dst) in mapping)
        {
            var value = await Host.GetJson($"/v1/secrets/{src}");
            await Host.Call("PUT", $"/v1/secrets/{dst}", JsonSerializer.Serialize(new
            {
                data = value["data"],
                secret_type = value["secret_type"]?.GetValue<string>() ?? "json",
                metadata = new { tags = new[] { "migrated-from-asm" } },
            }));
        }
        foreach (var (src, dst) in mapping)
            JsonNode.DeepEquals((await Host.GetJson($"/v1/secrets/{src}"))["data"], (await Host.GetJson($"/v1/secrets/{dst}"))["data"])
                .ShouldBeTrue($"DIFF: {src}");

        // Option B of step 7: ASM rotates, the next sync picks the new value up; an unchanged secret costs no read.
        _asm.PutValue("prod/billing/database", """{"username": "billing", "password": "aws-db-2"}""");
        _asm.ResetCalls();
        var second = (await Host.SyncNow(id))["last_report"]!;
        second["synced"].Int().ShouldBe(1);
        second["unchanged"].Int().ShouldBe(2);
        // Change detection came from the listing; the changed secret's new value came in one batch read.
        _asm.Calls("BatchGetSecretValue").ShouldBe(1);
        _asm.Calls("ListSecretVersionIds").ShouldBe(0);
        _asm.Calls("GetSecretValue").ShouldBe(0);
        (await Host.GetJson("/v1/secrets/external/aws/billing/database"))["data"]!["password"].Str().ShouldBe("aws-db-2");

        // A dashboard polling status does not pay one ASM call per poll.
        _asm.ResetCalls();
        for (var i = 0; i < 5; i++)
            (await Host.GetJson($"/v1/federation/backends/{id}/status"))["connection"]!["status"].Str().ShouldBe("connected");
        _asm.TotalCalls.ShouldBeLessThanOrEqualTo(1);
    }
}
