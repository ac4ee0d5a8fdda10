using System.Text.Json;
using Shouldly;
using ScaiVault.Fakes.Vault;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Federation;

/// <summary>
/// A backend whose listing carries no change marker and whose version ids tell nothing (Vault KV v1: no versions, no
/// times): the sync reads each secret and compares values, so remote changes are imported, an unchanged secret is
/// counted unchanged, and a local write alone is no conflict.
/// </summary>
public sealed class MarkerlessSyncTests(AppFixture fixture) : IntegrationContext(fixture), IAsyncLifetime
{
    private FakeVault _vault = null!;
    private FakeKvV1Mount _kv = null!;
    private readonly string _prefix = "external/v1" + Guid.NewGuid().ToString("N")[..8];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _vault = await FakeVault.StartAsync();
        _kv = _vault.Root.KvV1("secret");
        _kv.Put("apps/db", new { password = "remote-1" });
        _kv.Put("apps/api", new { key = "k-1" });
    }

    public override async ValueTask DisposeAsync()
    {
        await _vault.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task KvV1_RemoteChangesAreImported_UnchangedAreNot_AndALocalWriteAloneIsNoConflict()
    {
        var tokenPath = $"infra/{_prefix}/token";
        await Host.Call("PUT", $"/v1/secrets/{tokenPath}", JsonSerializer.Serialize(new { data = new { token = _vault.Root.CreateToken(["root"]) }, secret_type = "json" }));
        var id = (await (await Host.Call("POST", "/v1/federation/backends", JsonSerializer.Serialize(new
        {
            name = "kv1-" + _prefix[^8..],
            type = "hashicorp-vault",
            config = new { endpoint = _vault.Endpoint, auth_method = "token", auth_config_path = tokenPath },
            path_mapping = new Dictionary<string, string> { [$"{_prefix}/**"] = "secret/**" },
            mode = "sync",
            sync_interval = "1h",
            conflict_resolution = "manual",
        }), 201)).Json())["id"].Str();
        (await Host.FirstSync(id))["last_report"]!["synced"].Int().ShouldBe(2);

        var unchanged = (await Host.SyncNow(id))["last_report"]!;
        unchanged["synced"].Int().ShouldBe(0);
        unchanged["unchanged"].Int().ShouldBe(2);
        unchanged["skipped"]!.AsArray().ShouldBeEmpty();

        _kv.Put("apps/db", new { password = "remote-2" });
        var changed = (await Host.SyncNow(id))["last_report"]!;
        changed["synced"].Int().ShouldBe(1);
        changed["unchanged"].Int().ShouldBe(1);
        (await Host.GetJson($"/v1/secrets/{_prefix}/apps/db"))["data"]!["password"].Str().ShouldBe("remote-2");

        // Only ScaiVault changed: the backend still holds what was last imported, so there is nothing to decide.
        await Host.Put($"{_prefix}/apps/api", """{"data": {"key": "k-local"}}""");
        var localOnly = (await Host.SyncNow(id))["last_report"]!;
        localOnly["conflicts"].Int().ShouldBe(0);
        (await Host.GetJson($"/v1/secrets/{_prefix}/apps/api"))["data"]!["key"].Str().ShouldBe("k-local");

        // Both changed: a conflict, held for a person to resolve.
        _kv.Put("apps/api", new { key = "k-2" });
        (await Host.SyncNow(id))["last_report"]!["conflicts"].Int().ShouldBe(1);
        (await Host.GetJson($"/v1/federation/backends/{id}/conflicts"))["conflicts"]!.AsArray().Single()!["path"].Str().ShouldBe($"{_prefix}/apps/api");
    }
}
