using System.Text.Json;
using System.Text.Json.Nodes;
using Shouldly;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Federation.Shared;

/// <summary>
/// The federation scenarios, once, against each of the four stores through its real adapter and its fake server:
/// proxy, sync (cold, unchanged, changed), conflicts, outages, throttling, write-through, rejected names.
/// </summary>
public sealed class FederationScenarios(AppFixture fixture) : IntegrationContext(fixture)
{
    // Each test its own ScaiVault subtree and backend name: the fixture's database is shared by the whole class.
    private readonly string _prefix = "external/shared" + Guid.NewGuid().ToString("N")[..8];

    private async Task<(StoreUnderTest Store, string Id)> Configure(string type, string mode, string resolution = "backend_wins",
        bool writeThrough = false, Action<StoreUnderTest>? seed = null)
    {
        var store = await StoreUnderTest.StartAsync(type);
        seed?.Invoke(store);
        var config = await store.ConfigureAsync(Host, $"infra/{_prefix}/credentials");
        var created = await (await Host.Call("POST", "/v1/federation/backends", JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["name"] = $"{type}-{_prefix[^8..]}",
            ["type"] = type,
            ["config"] = config,
            ["path_mapping"] = new Dictionary<string, string> { [$"{_prefix}/**"] = store.Template },
            ["mode"] = mode,
            ["sync_interval"] = mode == "sync" ? "1h" : null,
            ["conflict_resolution"] = resolution,
            ["write_through"] = writeThrough,
        }), 201)).Json();
        return (store, created["id"].Str());
    }

    private Task<JsonNode> Local(string key) => Host.GetJson($"/v1/secrets/{_prefix}/{key}");

    [Theory]
    [MemberData(nameof(StoreUnderTest.All), MemberType = typeof(StoreUnderTest))]
    public async Task Proxy_ReadsLive_StoresNothing_RefusesWrites_And5xxWhenDown(string type)
    {
        var (store, _) = await Configure(type, "proxy", seed: s => { s.Put("apps/db", "one"); s.Put("web/key", "k"); });
        await using var _ = store;

        (await Local("apps/db"))["data"]!["v"].Str().ShouldBe("one");
        store.Put("apps/db", "two");
        (await Local("apps/db"))["data"]!["v"].Str().ShouldBe("two");   // live, not cached
        await Host.CallExpectingError("PUT", $"/v1/secrets/{_prefix}/apps/db", """{"data": {"v": "local"}}""", 409, "federation_proxy_read_only");
        // Listed live inside the subtree, through the adapter's listing of a nested prefix; nothing stored locally.
        (await Host.GetJson($"/v1/secrets?prefix={_prefix}/apps"))["secrets"]!.AsArray().Select(e => e!["path"].Str()).ShouldBe([$"{_prefix}/apps/db"]);
        (await Host.GetJson("/v1/secrets?prefix=external"))["secrets"]!.AsArray().ShouldBeEmpty();

        store.Down();
        var down = await Host.Call("GET", $"/v1/secrets/{_prefix}/apps/db", status: 503);
        (await down.Json())["error"]!["code"].Str().ShouldBe("federation_backend_unavailable");
    }

    [Theory]
    [MemberData(nameof(StoreUnderTest.All), MemberType = typeof(StoreUnderTest))]
    public async Task Sync_ImportsHistory_CountsUnchanged_ThenImportsExactlyTheChangedOne(string type)
    {
        var (store, id) = await Configure(type, "sync", seed: s =>
        {
            s.Put("apps/db", "db-1");
            s.Put("apps/db", "db-2");
            s.Put("apps/api", "api-1");
        });
        await using var _ = store;

        var cold = (await Host.FirstSync(id))["last_report"]!;
        cold["synced"].Int().ShouldBe(2);
        cold["versions_imported"].Int().ShouldBe(3);
        cold["errors"]!.AsArray().ShouldBeEmpty();
        (await Local("apps/db"))["data"]!["v"].Str().ShouldBe("db-2");
        (await Host.GetJson($"/v1/secrets/{_prefix}/apps/db?version=1"))["data"]!["v"].Str().ShouldBe("db-1");
        (await Host.GetJson($"/v1/metadata/{_prefix}/apps/db"))["versions"]![1]!["imported_from"]!["backend_id"].Str().ShouldBe(id);

        var unchanged = (await Host.SyncNow(id))["last_report"]!;
        unchanged["synced"].Int().ShouldBe(0);
        unchanged["unchanged"].Int().ShouldBe(2);
        unchanged["skipped"]!.AsArray().ShouldBeEmpty();

        store.Put("apps/api", "api-2");
        var changed = (await Host.SyncNow(id))["last_report"]!;
        changed["synced"].Int().ShouldBe(1);
        changed["versions_imported"].Int().ShouldBe(1);
        changed["unchanged"].Int().ShouldBe(1);
        (await Local("apps/api"))["data"]!["v"].Str().ShouldBe("api-2");
        (await Local("apps/db"))["version"].Int().ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(StoreUnderTest.All), MemberType = typeof(StoreUnderTest))]
    public async Task Sync_LocalWriteAlone_IsNoConflict_BothSidesChanged_IsOneHeldForAPerson(string type)
    {
        var (store, id) = await Configure(type, "sync", resolution: "manual", seed: s => s.Put("apps/db", "one"));
        await using var _ = store;
        await Host.FirstSync(id);

        await Host.Put($"{_prefix}/apps/db", """{"data": {"v": "local"}}""");
        (await Host.SyncNow(id))["last_report"]!["conflicts"].Int().ShouldBe(0);

        store.Put("apps/db", "remote");
        (await Host.SyncNow(id))["last_report"]!["conflicts"].Int().ShouldBe(1);
        (await Host.GetJson($"/v1/federation/backends/{id}/conflicts"))["conflicts"]!.AsArray().Single()!["path"].Str().ShouldBe($"{_prefix}/apps/db");
        (await Local("apps/db"))["data"]!["v"].Str().ShouldBe("local");

        await Host.Call("POST", $"/v1/federation/backends/{id}/conflicts/resolve",
            JsonSerializer.Serialize(new { path = $"{_prefix}/apps/db", resolution = "backend" }));
        (await Local("apps/db"))["data"]!["v"].Str().ShouldBe("remote");
        var after = (await Host.SyncNow(id))["last_report"]!;
        after["conflicts"].Int().ShouldBe(0);
        after["synced"].Int().ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(StoreUnderTest.All), MemberType = typeof(StoreUnderTest))]
    public async Task Sync_BackendDown_FailsTheRun_LocalReadsKeepWorking_ThrottlingIsRidden(string type)
    {
        var (store, id) = await Configure(type, "sync", seed: s => s.Put("apps/db", "one"));
        await using var _ = store;
        await Host.FirstSync(id);

        store.Down();
        var failed = await Host.SyncNow(id, TimeSpan.FromSeconds(60));
        failed["last_error"].Str().ShouldStartWith("unavailable");
        failed["recent_events"]!.AsArray().Select(e => e!["type"].Str()).ShouldContain("federation.backend.unreachable");
        (await Local("apps/db"))["data"]!["v"].Str().ShouldBe("one");

        store.Up();
        store.Put("apps/db", "two");
        store.ThrottleNext(2);
        var recovered = (await Host.SyncNow(id, TimeSpan.FromSeconds(60)))["last_report"]!;
        recovered["synced"].Int().ShouldBe(1);
        recovered["errors"]!.AsArray().ShouldBeEmpty();
        (await Local("apps/db"))["data"]!["v"].Str().ShouldBe("two");
    }

    [Theory]
    [MemberData(nameof(StoreUnderTest.All), MemberType = typeof(StoreUnderTest))]
    public async Task WriteThrough_ReachesTheStore_AndIsNotImportedBack(string type)
    {
        var (store, id) = await Configure(type, "sync", writeThrough: true, seed: s => s.Put("apps/db", "one"));
        await using var _ = store;
        await Host.FirstSync(id);

        await Host.Put($"{_prefix}/apps/db", """{"data": {"v": "local"}}""");
        await Host.Put($"{_prefix}/apps/new", """{"data": {"v": "fresh"}}""");
        await Host.WaitForStatus(id, s => s["write_through"]!["delivered"].Int() == 2);
        store.Current("apps/db").ShouldBe("local");
        store.Current("apps/new").ShouldBe("fresh");

        var next = (await Host.SyncNow(id))["last_report"]!;
        next["synced"].Int().ShouldBe(0);
        next["conflicts"].Int().ShouldBe(0);
        next["unchanged"].Int().ShouldBe(2);
        (await Local("apps/db"))["version"].Int().ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(StoreUnderTest.All), MemberType = typeof(StoreUnderTest))]
    public async Task Sync_NamesScaiVaultCannotHold_AreSkippedAndListed(string type)
    {
        var (store, id) = await Configure(type, "sync", seed: s =>
        {
            s.Put("apps/good", "ok");
            s.PutNative(s.RejectedNativeName, "bad");
        });
        await using var _ = store;

        var report = (await Host.FirstSync(id))["last_report"]!;
        report["synced"].Int().ShouldBe(1);
        var skipped = report["skipped"]!.AsArray().Single()!;
        skipped["reason"].Str().ShouldStartWith("invalid_path");
        skipped["path"].ShouldBeNull();
    }
}
