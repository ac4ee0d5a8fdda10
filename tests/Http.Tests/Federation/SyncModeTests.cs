using Alba;
using Shouldly;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Federation;

public sealed class SyncModeTests(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task Sync_ImportsHistoryWithProvenance_ThenSkipsUnchangedWithoutReading()
    {
        var store = Fixture.MemoryBackends.Store("sync-import");
        store.Put("apps/billing/db", new { password = "v1" });
        store.Put("apps/billing/db", new { password = "v2" });
        store.Put("apps/billing/db", new { password = "v3" });
        store.Put("apps/shop/key", new { key = "k1" });
        var id = await Host.ConfigureMemoryBackend("sync-import", mode: "sync");

        var status = await Host.FirstSync(id);
        var report = status["last_report"]!;
        report["synced"].Int().ShouldBe(2);
        report["versions_imported"].Int().ShouldBe(4);
        report["unchanged"].Int().ShouldBe(0);
        status["secrets_synced"].Int().ShouldBe(2);
        status["status"].Str().ShouldBe("healthy");

        var read = await Host.GetJson("/v1/secrets/external/mem/billing/db");
        read["data"]!["password"].Str().ShouldBe("v3");
        read["version"].Int().ShouldBe(3);
        (await Host.GetJson("/v1/secrets/external/mem/billing/db?version=1"))["data"]!["password"].Str().ShouldBe("v1");
        // The version history says where each version came from.
        var first = (await Host.GetJson("/v1/metadata/external/mem/billing/db"))["versions"]![0]!["imported_from"]!;
        first["backend_id"].Str().ShouldBe(id);
        first["backend_path"].Str().ShouldBe("apps/billing/db");
        first["sync_run_id"].Str().ShouldBe(status["last_run_id"].Str());
        first["remote_version"].ShouldNotBeNull();

        var readsBefore = store.Reads;
        var again = (await Host.SyncNow(id))["last_report"]!;
        again["synced"].Int().ShouldBe(0);
        again["unchanged"].Int().ShouldBe(2);
        store.Reads.ShouldBe(readsBefore);

        store.Put("apps/billing/db", new { password = "v4" });
        var third = (await Host.SyncNow(id))["last_report"]!;
        third["synced"].Int().ShouldBe(1);
        third["versions_imported"].Int().ShouldBe(1);
        (await Host.GetJson("/v1/secrets/external/mem/billing/db"))["version"].Int().ShouldBe(4);

        var events = (await Host.GetJson($"/v1/federation/backends/{id}/status"))["recent_events"]!.AsArray().Select(e => e!["type"].Str()).ToArray();
        events.ShouldContain("federation.sync.completed");
        events.ShouldContain("federation.sync.started");
    }

    [Fact]
    public async Task Sync_PathsTheGrammarRejects_AreSkippedAndListed()
    {
        var store = Fixture.MemoryBackends.Store("sync-skip");
        store.Put("apps/good", new { a = "1" });
        store.Put("apps/has space", new { a = "2" });
        store.Put("apps/colon:name", new { a = "3" });
        var id = await Host.ConfigureMemoryBackend("sync-skip", mode: "sync");

        var report = (await Host.FirstSync(id))["last_report"]!;
        report["synced"].Int().ShouldBe(1);
        var skipped = report["skipped"]!.AsArray().Select(s => (s!["backend_path"].Str(), s["reason"].Str())).ToArray();
        skipped.Select(s => s.Item1).OrderBy(s => s, StringComparer.Ordinal).ShouldBe(["apps/colon:name", "apps/has space"]);
        skipped.ShouldAllBe(s => s.Item2.StartsWith("invalid_path"));
    }

    [Fact]
    public async Task BackendDown_SyncFails_LocalReadsKeepWorking()
    {
        var store = Fixture.MemoryBackends.Store("sync-down");
        store.Put("apps/a", new { k = "v" });
        var id = await Host.ConfigureMemoryBackend("sync-down", mode: "sync");
        await Host.FirstSync(id);

        store.Down = true;
        var status = await Host.SyncNow(id);
        status["status"].Str().ShouldBe("unreachable");
        status["last_error"].Str().ShouldContain("unavailable");
        var events = status["recent_events"]!.AsArray().Select(e => e!["type"].Str()).ToArray();
        events.ShouldContain("federation.sync.failed");
        events.ShouldContain("federation.backend.unreachable");

        (await Host.GetJson("/v1/secrets/external/mem/a"))["data"]!["k"].Str().ShouldBe("v");
    }

    [Fact]
    public async Task ProxyBackend_CannotBeSynced()
    {
        var id = await Host.ConfigureMemoryBackend("sync-proxy");
        await Host.CallExpectingError("POST", $"/v1/federation/backends/{id}/sync", null, 409, "federation_not_sync_mode");
    }

    [Fact]
    public async Task Conflict_Manual_IsListedExcluded_ThenResolvedLocal()
    {
        var store = Fixture.MemoryBackends.Store("conflict-local");
        store.Put("apps/db", new { password = "remote-1" });
        var id = await Host.ConfigureMemoryBackend("conflict-local", mode: "sync", resolution: "manual");
        await Host.FirstSync(id);

        await Host.PutSecret("external/mem/db", new { password = "local-2" });
        store.Put("apps/db", new { password = "remote-2" });
        var report = (await Host.SyncNow(id))["last_report"]!;
        report["conflicts"].Int().ShouldBe(1);

        var conflicts = (await Host.GetJson($"/v1/federation/backends/{id}/conflicts"))["conflicts"]!.AsArray();
        conflicts.Select(c => c!["path"].Str()).ShouldBe(["external/mem/db"]);
        conflicts[0]!["local_version"].Int().ShouldBe(2);

        // Excluded until resolved: another remote change is not imported.
        store.Put("apps/db", new { password = "remote-3" });
        var excluded = (await Host.SyncNow(id))["last_report"]!;
        excluded["skipped"]!.AsArray().Select(s => s!["reason"].Str()).ShouldContain(r => r.StartsWith("manual_conflict"));
        (await Host.GetJson("/v1/secrets/external/mem/db"))["data"]!["password"].Str().ShouldBe("local-2");

        var resolved = await (await Host.Call("POST", $"/v1/federation/backends/{id}/conflicts/resolve",
            """{"path": "external/mem/db", "resolution": "local"}""")).Json();
        resolved["resolution"].Str().ShouldBe("local");
        (await Host.GetJson($"/v1/federation/backends/{id}/conflicts"))["conflicts"]!.AsArray().ShouldBeEmpty();
        await Host.CallExpectingError("POST", $"/v1/federation/backends/{id}/conflicts/resolve",
            """{"path": "external/mem/db", "resolution": "local"}""", 404, "conflict_not_found");
        (await Host.GetJson("/v1/secrets/external/mem/db"))["data"]!["password"].Str().ShouldBe("local-2");
    }

    [Fact]
    public async Task Conflict_Manual_ResolvedBackend_ImportsTheRemoteValue()
    {
        var store = Fixture.MemoryBackends.Store("conflict-backend");
        store.Put("apps/db", new { password = "remote-1" });
        var id = await Host.ConfigureMemoryBackend("conflict-backend", mode: "sync", resolution: "manual");
        await Host.FirstSync(id);
        await Host.PutSecret("external/mem/db", new { password = "local-2" });
        store.Put("apps/db", new { password = "remote-2" });
        await Host.SyncNow(id);

        var resolved = await (await Host.Call("POST", $"/v1/federation/backends/{id}/conflicts/resolve",
            """{"path": "external/mem/db", "resolution": "backend"}""")).Json();
        resolved["version"].Int().ShouldBe(3);
        var read = await Host.GetJson("/v1/secrets/external/mem/db");
        read["data"]!["password"].Str().ShouldBe("remote-2");
        read["version"].Int().ShouldBe(3);
        (await Host.GetJson("/v1/secrets/external/mem/db?version=2"))["data"]!["password"].Str().ShouldBe("local-2");

        // Back in sync: the next remote change is imported normally.
        store.Put("apps/db", new { password = "remote-3" });
        (await Host.SyncNow(id))["last_report"]!["synced"].Int().ShouldBe(1);
        (await Host.GetJson("/v1/secrets/external/mem/db"))["data"]!["password"].Str().ShouldBe("remote-3");
    }

    [Theory]
    [InlineData("backend_wins", "remote-2")]
    [InlineData("local_wins", "local-2")]
    public async Task Conflict_Policy_DecidesWithoutAnyone(string policy, string expected)
    {
        var store = Fixture.MemoryBackends.Store("conflict-" + policy);
        store.Put("apps/db", new { password = "remote-1" });
        var id = await Host.ConfigureMemoryBackend("conflict-" + policy, mode: "sync", resolution: policy);
        await Host.FirstSync(id);
        await Host.PutSecret("external/mem/db", new { password = "local-2" });
        store.Put("apps/db", new { password = "remote-2" });

        var report = (await Host.SyncNow(id))["last_report"]!;
        report["conflicts"].Int().ShouldBe(1);
        (await Host.GetJson("/v1/secrets/external/mem/db"))["data"]!["password"].Str().ShouldBe(expected);
        (await Host.GetJson($"/v1/federation/backends/{id}/conflicts"))["conflicts"]!.AsArray().ShouldBeEmpty();
        // Decided once: the next run sees nothing new.
        var next = (await Host.SyncNow(id))["last_report"]!;
        next["conflicts"].Int().ShouldBe(0);
        next["unchanged"].Int().ShouldBe(1);
    }
}
