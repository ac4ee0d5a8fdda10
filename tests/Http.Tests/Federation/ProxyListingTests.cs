using System.Text.Json.Nodes;
using Alba;
using Shouldly;
using ScaiVault.Http.Federation;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Federation;

/// <summary><c>GET /v1/secrets?prefix=</c> and proxy mode: inside a proxied subtree the backend answers; above it, the listing is local.</summary>
public sealed class ProxyListingTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private static string[] Paths(JsonNode listing) => [.. listing["secrets"]!.AsArray().Select(s => s!["path"].Str())];

    [Fact]
    public async Task Listing_InsideAProxiedSubtree_ComesFromTheBackend_PageByPage()
    {
        var store = Fixture.MemoryBackends.Store("list-inside");
        foreach (var name in new[] { "apps/billing/db", "apps/billing/api", "apps/billing/sub/deep", "apps/web/x" })
            store.Put(name, new { k = "v" });
        var id = await Host.ConfigureMemoryBackend("list-inside");

        var first = await Host.GetJson("/v1/secrets?prefix=external/mem/billing&limit=2");
        first["prefix"].Str().ShouldBe("external/mem/billing/");
        Paths(first).ShouldBe(["external/mem/billing/api", "external/mem/billing/db"]);
        var entry = first["secrets"]![0]!;
        entry["source"]!["backend_id"].Str().ShouldBe(id);
        entry["source"]!["mode"].Str().ShouldBe("proxy");
        entry["current_version"].ShouldBeNull();

        var second = await Host.GetJson($"/v1/secrets?prefix=external/mem/billing&limit=2&cursor={first["next_cursor"].Str()}");
        Paths(second).ShouldBe(["external/mem/billing/sub/deep"]);
        second["next_cursor"].ShouldBeNull();

        // The subtree's own root lists everything the backend maps.
        Paths(await Host.GetJson("/v1/secrets?prefix=external/mem")).Length.ShouldBe(4);
        // Real time, like reads: a name added in the backend shows up on the next listing.
        store.Put("apps/billing/new", new { k = "v" });
        Paths(await Host.GetJson("/v1/secrets?prefix=external/mem/billing")).ShouldContain("external/mem/billing/new");
    }

    [Fact]
    public async Task Listing_AboveAProxiedSubtree_IsLocal_NamesThePattern_AndDoesNotCallTheBackend()
    {
        var store = Fixture.MemoryBackends.Store("list-above");
        store.Put("apps/a", new { k = "v" });
        var id = await Host.ConfigureMemoryBackend("list-above");
        await Host.PutSecret("external/local/x", new { k = "v" });
        store.Down = true;

        var listing = await Host.GetJson("/v1/secrets?prefix=external");
        Paths(listing).ShouldBe(["external/local/x"]);
        var proxied = listing["proxied"]!.AsArray().Single()!;
        proxied["pattern"].Str().ShouldBe("external/mem/**");
        proxied["backend_id"].Str().ShouldBe(id);

        // A prefix beside the proxied subtree names nothing.
        (await Host.GetJson("/v1/secrets?prefix=external/local"))["proxied"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Listing_InsideAProxiedSubtree_WhileTheBackendIsDown_Answers503()
    {
        var store = Fixture.MemoryBackends.Store("list-down");
        store.Put("apps/a", new { k = "v" });
        await Host.ConfigureMemoryBackend("list-down");
        store.Down = true;
        await Host.CallExpectingError("GET", "/v1/secrets?prefix=external/mem/", null, 503, FederationErrorCodes.BackendUnavailable);
    }

    [Fact]
    public async Task Listing_LeavesOutNamesScaiVaultCannotHold_AndPathsTheCallerMayNotList()
    {
        var store = Fixture.MemoryBackends.Store("list-filter");
        store.Put("apps/billing/db", new { k = "v" });
        store.Put("apps/billing/has space", new { k = "v" });
        store.Put("apps/payroll/db", new { k = "v" });
        await Host.ConfigureMemoryBackend("list-filter", tenantPrefix: "/t/acme");
        await Host.GrantPolicy("acme", "billing-list", "identity:alice", ("external/mem/billing/**", ["list"], "allow"));
        var token = Fixture.Tokens.Mint(sub: "alice", tenant: "acme", scope: "secrets:read");

        var answer = await Host.Scenario(s => { s.Get.Url("/v1/secrets?prefix=external/mem/"); s.WithToken(token); s.StatusCodeShouldBeOk(); });
        Paths(await answer.Json()).ShouldBe(["external/mem/billing/db"]);
    }

    [Fact]
    public async Task Listing_AfterSwitchingToSync_IsLocalAgain()
    {
        var store = Fixture.MemoryBackends.Store("list-switch");
        store.Put("apps/a", new { k = "v" });
        var id = await Host.ConfigureMemoryBackend("list-switch");
        (await Host.GetJson("/v1/secrets?prefix=external/mem"))["secrets"]![0]!["source"].ShouldNotBeNull();

        await Host.Call("PATCH", $"/v1/federation/backends/{id}", """{"mode": "sync", "sync_interval": "1h"}""", 200);
        await Host.FirstSync(id);
        store.Down = true;
        var listing = await Host.GetJson("/v1/secrets?prefix=external/mem");
        Paths(listing).ShouldBe(["external/mem/a"]);
        listing["secrets"]![0]!["current_version"].Int().ShouldBe(1);
        listing["proxied"]!.AsArray().ShouldBeEmpty();
    }
}
