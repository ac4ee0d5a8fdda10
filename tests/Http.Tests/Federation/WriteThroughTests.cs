using System.Text.Json;
using System.Text.Json.Nodes;
using Shouldly;
using ScaiVault.Fakes.Vault;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Federation;

/// <summary>
/// Write-through in sync mode against the fake Vault: a local write reaches the backend (Wolverine outbox, at least
/// once, retried while the backend is down), the next sync does not import it back, and <c>local_wins</c> or a manual
/// "local" resolution sends the local value to the backend.
/// </summary>
public sealed class WriteThroughTests(AppFixture fixture) : IntegrationContext(fixture), IAsyncLifetime
{
    private FakeVault _vault = null!;
    private FakeKvV2Mount _kv = null!;
    // Each test its own ScaiVault subtree: the fixture's database is shared by the whole class.
    private readonly string _prefix = "external/wt" + Guid.NewGuid().ToString("N")[..8];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _vault = await FakeVault.StartAsync();
        _kv = _vault.Root.KvV2("kv");
        _kv.Put("apps/db", new { password = "remote-1" });
    }

    public override async ValueTask DisposeAsync()
    {
        await _vault.DisposeAsync();
        await base.DisposeAsync();
    }

    private async Task<string> Configure(string resolution = "backend_wins", bool writeThrough = true)
    {
        var token = _vault.Root.CreateToken(["root"]);
        var tokenPath = $"infra/{_prefix}/vault-token";
        await Host.Call("PUT", $"/v1/secrets/{tokenPath}", JsonSerializer.Serialize(new { data = new { token }, secret_type = "json" }));
        var created = await (await Host.Call("POST", "/v1/federation/backends", JsonSerializer.Serialize(new
        {
            name = "vault-" + _prefix[^8..],
            type = "hashicorp-vault",
            config = new { endpoint = _vault.Endpoint, auth_method = "token", auth_config_path = tokenPath },
            path_mapping = new Dictionary<string, string> { [$"{_prefix}/**"] = "kv/data/**" },
            mode = "sync",
            sync_interval = "1h",
            conflict_resolution = resolution,
            write_through = writeThrough,
        }), 201)).Json();
        created["write_through"]!.GetValue<bool>().ShouldBe(writeThrough);
        var id = created["id"].Str();
        (await Host.FirstSync(id))["last_report"]!["synced"].Int().ShouldBe(1);
        return id;
    }

    private string? Remote(string key) => _kv.Get(key) is { } json ? JsonNode.Parse(json)!["password"]?.GetValue<string>() : null;

    [Fact]
    public async Task LocalWrite_ReachesTheBackend_AndTheNextSyncDoesNotImportItBack()
    {
        var id = await Configure();

        var written = await Host.Put($"{_prefix}/apps/db", """{"data": {"password": "local-2"}}""");
        written["version"].Int().ShouldBe(2);
        var status = await Host.WaitForStatus(id, s => s["write_through"]!["delivered"].Int() == 1);
        Remote("apps/db").ShouldBe("local-2");
        _kv.CurrentVersion("apps/db").ShouldBe(2);
        status["write_through"]!["failures"]!.AsArray().ShouldBeEmpty();

        // A new path is created in the backend too.
        await Host.Put($"{_prefix}/apps/new", """{"data": {"password": "fresh"}}""");
        await Host.WaitForStatus(id, s => s["write_through"]!["delivered"].Int() == 2);
        Remote("apps/new").ShouldBe("fresh");

        // The backend now holds what ScaiVault holds: nothing to import, no conflict, no new local version.
        var report = (await Host.SyncNow(id))["last_report"]!;
        report["synced"].Int().ShouldBe(0);
        report["conflicts"].Int().ShouldBe(0);
        report["unchanged"].Int().ShouldBe(2);
        (await Host.GetJson($"/v1/secrets/{_prefix}/apps/db"))["version"].Int().ShouldBe(2);
        // The moved change marker became the baseline: the run after that reads nothing at all.
        var reads = _vault.CallsTo("GET kv/data");
        (await Host.SyncNow(id))["last_report"]!["unchanged"].Int().ShouldBe(2);
        _vault.CallsTo("GET kv/data").ShouldBe(reads);
    }

    [Fact]
    public async Task ManyWritesAtOnce_AreEachDelivered_AndEachCounted()
    {
        // Deliveries run four at a time and append to the backend's stream side by side: none may be lost from the status.
        var id = await Configure();
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Host.Put($"{_prefix}/apps/burst{i}", JsonSerializer.Serialize(new { data = new { password = $"b{i}" } }))));

        var status = await Host.WaitForStatus(id, s => s["write_through"]!["delivered"].Int() >= 12, TimeSpan.FromSeconds(60));
        status["write_through"]!["delivered"].Int().ShouldBe(12);
        for (var i = 0; i < 12; i++) Remote($"apps/burst{i}").ShouldBe($"b{i}");
    }

    [Fact]
    public async Task BackendDown_TheWriteSucceedsLocally_AndIsDeliveredWhenTheBackendIsBack()
    {
        var id = await Configure();
        _vault.Fail(VaultFault.Sealed);

        (await Host.Put($"{_prefix}/apps/db", """{"data": {"password": "while-down"}}"""))["version"].Int().ShouldBe(2);
        var failing = await Host.WaitForStatus(id, s => s["write_through"]!["failures"]!.AsArray().Count == 1);
        var failure = failing["write_through"]!["failures"]![0]!;
        failure["path"].Str().ShouldBe($"{_prefix}/apps/db");
        failure["failure"].Str().ShouldBe("unavailable");
        failure["final"]!.GetValue<bool>().ShouldBeFalse();
        failing.ToJsonString().ShouldNotContain("while-down");
        Remote("apps/db").ShouldBe("remote-1");

        _vault.Heal();
        var delivered = await Host.WaitForStatus(id, s => s["write_through"]!["delivered"].Int() == 1, TimeSpan.FromSeconds(60));
        delivered["write_through"]!["failures"]!.AsArray().ShouldBeEmpty();
        Remote("apps/db").ShouldBe("while-down");
    }

    [Fact]
    public async Task LocalWins_WithWriteThrough_OverwritesTheRemoteChange()
    {
        var id = await Configure(resolution: "local_wins");
        _vault.Fail(VaultFault.Sealed);
        await Host.Put($"{_prefix}/apps/db", """{"data": {"password": "local-2"}}""");
        await Host.WaitForStatus(id, s => s["write_through"]!["failures"]!.AsArray().Count == 1);
        _vault.Heal();
        // Someone writes in Vault before the retry lands: both sides changed since the last sync.
        _kv.Put("apps/db", new { password = "remote-2" });

        var report = (await Host.SyncNow(id))["last_report"]!;
        report["conflicts"].Int().ShouldBe(1);
        (await Host.GetJson($"/v1/secrets/{_prefix}/apps/db"))["data"]!["password"].Str().ShouldBe("local-2");
        await Host.WaitForStatus(id, s => s["write_through"]!["delivered"].Int() >= 1 && s["write_through"]!["failures"]!.AsArray().Count == 0,
            TimeSpan.FromSeconds(60));
        Remote("apps/db").ShouldBe("local-2");
    }

    [Fact]
    public async Task ManualConflict_ResolvedLocal_SendsTheLocalValue()
    {
        var id = await Configure(resolution: "manual");
        _vault.Fail(VaultFault.Sealed);
        await Host.Put($"{_prefix}/apps/db", """{"data": {"password": "local-2"}}""");
        await Host.WaitForStatus(id, s => s["write_through"]!["failures"]!.AsArray().Count == 1);
        _vault.Heal();
        _kv.Put("apps/db", new { password = "remote-2" });
        (await Host.SyncNow(id))["last_report"]!["conflicts"].Int().ShouldBe(1);
        // While the conflict is open the pending delivery does not overwrite the backend.
        await Host.WaitForStatus(id, s => s["write_through"]!["failures"]!.AsArray().Any(f => f!["failure"].Str() == "manual_conflict"),
            TimeSpan.FromSeconds(60));
        Remote("apps/db").ShouldBe("remote-2");

        await Host.Call("POST", $"/v1/federation/backends/{id}/conflicts/resolve",
            JsonSerializer.Serialize(new { path = $"{_prefix}/apps/db", resolution = "local" }));
        await Host.WaitForStatus(id, s => s["write_through"]!["delivered"].Int() == 1);
        Remote("apps/db").ShouldBe("local-2");
        (await Host.SyncNow(id))["last_report"]!["conflicts"].Int().ShouldBe(0);
    }

    [Fact]
    public async Task WithoutWriteThrough_LocalWritesStayLocal()
    {
        var id = await Configure(writeThrough: false);
        await Host.Put($"{_prefix}/apps/db", """{"data": {"password": "local-only"}}""");
        (await Host.SyncNow(id))["write_through"]!["delivered"].Int().ShouldBe(0);
        Remote("apps/db").ShouldBe("remote-1");
    }

    [Fact]
    public async Task WriteThrough_IsRefusedWithAFieldTransform_AndInProxyMode()
    {
        var body = (string mode, object mapping) => JsonSerializer.Serialize(new
        {
            name = "wt-refused-" + _prefix[^8..] + mode,
            type = "hashicorp-vault",
            config = new { endpoint = _vault.Endpoint, auth_method = "token", auth_config_path = "infra/none" },
            path_mapping = mapping,
            mode,
            sync_interval = mode == "sync" ? "1h" : null,
            write_through = true,
        });
        var field = await Host.CallExpectingError("POST", "/v1/federation/backends",
            body("sync", new[] { new { scaivault_path = $"{_prefix}/**", backend_path = "kv/data/**", transform = "field:password" } }), 400, "invalid_request");
        field.ShouldContain("write_through");
        field.ShouldContain("field:password");
        var proxy = await Host.CallExpectingError("POST", "/v1/federation/backends",
            body("proxy", new Dictionary<string, string> { [$"{_prefix}/**"] = "kv/data/**" }), 400, "invalid_request");
        proxy.ShouldContain("write_through");
    }
}
