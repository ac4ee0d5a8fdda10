using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Shouldly;
using ScaiVault.Fakes.Vault;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Federation;

/// <summary>
/// shared/seeds/migrate-from-hashicorp-vault.txt end to end against the fake Vault: store the AppRole
/// credentials (step 3), configure federation as written (step 4), read through the proxy, copy a subtree with
/// the guide's script logic (step 5), flip to sync with the guide's PATCH (step 8), and resolve conflicts.
/// </summary>
public sealed class VaultMigrationGuideTests(AppFixture fixture) : IntegrationContext(fixture), IAsyncLifetime
{
    private FakeVault _vault = null!;
    private FakeKvV2Mount _kv = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _vault = await FakeVault.StartAsync();
        _kv = _vault.Root.KvV2("kv");
        _vault.Root.Policy("scaivault-reader", "kv/data/*", "read", "list");
        _vault.Root.Policy("scaivault-reader", "kv/metadata/*", "read", "list");
        _kv.Put("apps/billing/db", new { username = "billing", password = "db-pass-1" });
        _kv.Put("apps/billing/stripe", new { api_key = "sk_live_1" });
        _kv.Put("shared/salesforce", new { client_id = "sf" });
    }

    public override async ValueTask DisposeAsync()
    {
        await _vault.DisposeAsync();
        await base.DisposeAsync();
    }

    private async Task<string> ConfigureAsInTheGuide()
    {
        // Step 3: the AppRole credentials live in ScaiVault.
        var (roleId, secretId) = _vault.Root.AppRole("scaivault-federation", ["scaivault-reader"], TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        await Host.Call("PUT", "/v1/secrets/infra/hashicorp/approle",
            JsonSerializer.Serialize(new { data = new { role_id = roleId, secret_id = secretId }, secret_type = "json" }));

        // Step 4, as written (the endpoint is the fake's address).
        var created = await (await Host.Call("POST", "/v1/federation/backends", $$"""
            {
              "name": "hashicorp-production",
              "type": "hashicorp-vault",
              "config": {
                "endpoint": "{{_vault.Endpoint}}",
                "auth_method": "approle",
                "auth_config_path": "infra/hashicorp/approle",
                "tls_verify": true
              },
              "path_mapping": {
                "external/hashicorp/**": "kv/data/**"
              },
              "mode": "proxy"
            }
            """, 201)).Json();
        created["id"].Str().ShouldStartWith("fed_");
        created["status"].Str().ShouldBe("healthy");
        created.ToJsonString().ShouldNotContain(secretId);
        return created["id"].Str();
    }

    [Fact]
    public async Task Guide_ProxyRead_CopySubtree_SwitchToSync_ResolveConflictsBothWays()
    {
        var id = await ConfigureAsInTheGuide();

        // "Verify with a read": the value Vault holds, through ScaiVault.
        var read = await Host.GetJson("/v1/secrets/external/hashicorp/apps/billing/db");
        read["data"]!["password"].Str().ShouldBe("db-pass-1");
        read["source"]!["backend_id"].Str().ShouldBe(id);
        await Host.CallExpectingError("PUT", "/v1/secrets/external/hashicorp/apps/billing/db", """{"data": {"password": "x"}}""", 409,
            "federation_proxy_read_only");

        // Step 5: the guide's copy script, reading Vault directly and writing ScaiVault.
        var mapping = new Dictionary<string, string>
        {
            ["apps/billing/db"] = "environments/production/billing/database",
            ["apps/billing/stripe"] = "environments/production/billing/stripe",
        };
        using var vaultHttp = new HttpClient { BaseAddress = new Uri(_vault.Endpoint + "/") };
        vaultHttp.DefaultRequestHeaders.Add("X-Vault-Token", _vault.Root.RootToken);
        foreach (var (vaultPath, svPath) in mapping)
        {
            var vaultBody = await vaultHttp.GetFromJsonAsync<JsonObject>($"v1/kv/data/{vaultPath}", TestContext.Current.CancellationToken);
            var data = vaultBody!["data"]!["data"]!;
            await Host.Call("PUT", $"/v1/secrets/{svPath}", JsonSerializer.Serialize(new
            {
                data,
                secret_type = "json",
                metadata = new { tags = new[] { "migrated-from-vault" }, description = $"Migrated from vault: kv/data/{vaultPath}" },
                options = new { max_versions = 10 },
            }));
        }
        foreach (var (vaultPath, svPath) in mapping)
        {
            var vaultValue = (await vaultHttp.GetFromJsonAsync<JsonObject>($"v1/kv/data/{vaultPath}", TestContext.Current.CancellationToken))!["data"]!["data"]!;
            var svValue = (await Host.GetJson($"/v1/secrets/{svPath}"))["data"]!;
            JsonNode.DeepEquals(vaultValue, svValue).ShouldBeTrue($"DIFF: {vaultPath}");
        }

        // Step 8: flip authority with the guide's PATCH; a configuration change, no data operation.
        var patched = await (await Host.Call("PATCH", $"/v1/federation/backends/{id}",
            """{"mode": "sync", "sync_interval": "1h", "conflict_resolution": "local_wins"}""")).Json();
        patched["mode"].Str().ShouldBe("sync");
        var first = (await Host.FirstSync(id))["last_report"]!;
        first["synced"].Int().ShouldBe(3);
        first["errors"]!.AsArray().ShouldBeEmpty();
        (await Host.GetJson("/v1/secrets/external/hashicorp/apps/billing/db"))["data"]!["password"].Str().ShouldBe("db-pass-1");
        // Writes to synced paths are local now (write-through off).
        await Host.PutSecret("external/hashicorp/apps/billing/db", new { username = "billing", password = "local-pass" });

        // local_wins: the local value stays although Vault changed too.
        _kv.Put("apps/billing/db", new { username = "billing", password = "vault-pass-2" });
        var second = (await Host.SyncNow(id))["last_report"]!;
        second["conflicts"].Int().ShouldBe(1);
        (await Host.GetJson("/v1/secrets/external/hashicorp/apps/billing/db"))["data"]!["password"].Str().ShouldBe("local-pass");

        // manual: flagged and excluded; then resolved each way.
        await Host.Call("PATCH", $"/v1/federation/backends/{id}", """{"conflict_resolution": "manual"}""");
        await Host.PutSecret("external/hashicorp/apps/billing/stripe", new { api_key = "sk_local" });
        await Host.PutSecret("external/hashicorp/shared/salesforce", new { client_id = "sf-local" });
        _kv.Put("apps/billing/stripe", new { api_key = "sk_live_2" });
        _kv.Put("shared/salesforce", new { client_id = "sf-2" });
        (await Host.SyncNow(id))["last_report"]!["conflicts"].Int().ShouldBe(2);
        var open = (await Host.GetJson($"/v1/federation/backends/{id}/conflicts"))["conflicts"]!.AsArray().Select(c => c!["path"].Str()).ToArray();
        open.ShouldBe(["external/hashicorp/apps/billing/stripe", "external/hashicorp/shared/salesforce"]);

        await Host.Call("POST", $"/v1/federation/backends/{id}/conflicts/resolve",
            """{"path": "external/hashicorp/apps/billing/stripe", "resolution": "backend"}""");
        await Host.Call("POST", $"/v1/federation/backends/{id}/conflicts/resolve",
            """{"path": "external/hashicorp/shared/salesforce", "resolution": "local"}""");
        (await Host.GetJson("/v1/secrets/external/hashicorp/apps/billing/stripe"))["data"]!["api_key"].Str().ShouldBe("sk_live_2");
        (await Host.GetJson("/v1/secrets/external/hashicorp/shared/salesforce"))["data"]!["client_id"].Str().ShouldBe("sf-local");
        (await Host.GetJson($"/v1/federation/backends/{id}/conflicts"))["conflicts"]!.AsArray().ShouldBeEmpty();
        var after = (await Host.SyncNow(id))["last_report"]!;
        after["conflicts"].Int().ShouldBe(0);
        after["unchanged"].Int().ShouldBe(3);
    }

    [Fact]
    public async Task Guide_VersionHistory_IsImportedFromKvV2()
    {
        _kv.Put("apps/billing/db", new { username = "billing", password = "db-pass-2" });
        _kv.Put("apps/billing/db", new { username = "billing", password = "db-pass-3" });
        var id = await ConfigureAsInTheGuide();
        await Host.Call("PATCH", $"/v1/federation/backends/{id}", """{"mode": "sync", "sync_interval": "1h"}""");
        var report = (await Host.FirstSync(id))["last_report"]!;
        report["versions_imported"].Int().ShouldBe(5);
        (await Host.GetJson("/v1/secrets/external/hashicorp/apps/billing/db"))["version"].Int().ShouldBe(3);
        (await Host.GetJson("/v1/secrets/external/hashicorp/apps/billing/db?version=1"))["data"]!["password"].Str().ShouldBe("db-pass-1");
    }

    [Fact]
    public async Task Guide_VaultDown_ProxyAnswers5xx_SyncedReadsStillServed()
    {
        var id = await ConfigureAsInTheGuide();
        _vault.Fail(VaultFault.Sealed);
        var error = await Host.Call("GET", "/v1/secrets/external/hashicorp/apps/billing/db", null, 503);
        (await error.ErrorCode()).ShouldBe("federation_backend_unavailable");
        _vault.Heal();

        await Host.Call("PATCH", $"/v1/federation/backends/{id}", """{"mode": "sync", "sync_interval": "1h"}""");
        await Host.FirstSync(id);
        _vault.Fail(VaultFault.DropConnection);
        var failed = await Host.SyncNow(id);
        failed["status"].Str().ShouldBeOneOf("unreachable", "failing");
        (await Host.GetJson("/v1/secrets/external/hashicorp/apps/billing/db"))["data"]!["password"].Str().ShouldBe("db-pass-1");
        _vault.Heal();
    }
}
