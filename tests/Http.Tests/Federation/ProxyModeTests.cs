using Alba;
using Shouldly;
using ScaiVault.Http.Federation;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Federation;

public sealed class ProxyModeTests(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task Read_MappedPath_ComesFromTheBackend_InScaiVaultShape_NothingStored()
    {
        var store = Fixture.MemoryBackends.Store("proxy-read");
        store.Put("apps/billing/db", new { username = "billing", password = "pw-1" });
        var id = await Host.ConfigureMemoryBackend("proxy-read");

        var body = await Host.GetJson("/v1/secrets/external/mem/billing/db");
        body["path"].Str().ShouldBe("external/mem/billing/db");
        body["data"]!["password"].Str().ShouldBe("pw-1");
        body["secret_type"].Str().ShouldBe("json");
        body["version"].Int().ShouldBe(1);
        body["source"]!["backend_id"].Str().ShouldBe(id);
        body["source"]!["mode"].Str().ShouldBe("proxy");

        // Real time: a change in the backend is seen on the next read.
        store.Put("apps/billing/db", new { username = "billing", password = "pw-2" });
        (await Host.GetJson("/v1/secrets/external/mem/billing/db"))["data"]!["password"].Str().ShouldBe("pw-2");

        // Nothing stored: the local listing does not hold it.
        (await Host.GetJson("/v1/secrets?prefix=external/"))["secrets"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Read_UnmappedPath_StaysLocal()
    {
        await Host.ConfigureMemoryBackend("proxy-local");
        await Host.PutSecret("internal/x", new { a = "1" });
        (await Host.GetJson("/v1/secrets/internal/x"))["data"]!["a"].Str().ShouldBe("1");
        await Host.CallExpectingError("GET", "/v1/secrets/external/mem/missing", null, 404, "secret_not_found");
    }

    [Theory]
    [InlineData("PUT", "/v1/secrets/external/mem/a", """{"data": {"k": "v"}}""")]
    [InlineData("DELETE", "/v1/secrets/external/mem/a", null)]
    [InlineData("PATCH", "/v1/metadata/external/mem/a", """{"metadata": {"owner": "x"}}""")]
    [InlineData("POST", "/v1/delete/external/mem/a", null)]
    [InlineData("POST", "/v1/destroy/external/mem/a", null)]
    public async Task Write_ToProxiedPath_IsRejected(string method, string url, string? body)
    {
        Fixture.MemoryBackends.Store("proxy-write").Put("apps/a", new { k = "remote" });
        await Host.ConfigureMemoryBackend("proxy-write");
        var message = await Host.CallExpectingError(method, url, body, 409, FederationErrorCodes.ProxyReadOnly);
        message.ShouldContain("sync mode");
        (await Host.GetJson("/v1/secrets/external/mem/a"))["data"]!["k"].Str().ShouldBe("remote");
    }

    [Fact]
    public async Task BackendDown_Answers503_NeverA500()
    {
        var store = Fixture.MemoryBackends.Store("proxy-down");
        store.Put("apps/a", new { k = "v" });
        await Host.ConfigureMemoryBackend("proxy-down");
        store.Down = true;
        var message = await Host.CallExpectingError("GET", "/v1/secrets/external/mem/a", null, 503, FederationErrorCodes.BackendUnavailable);
        message.ShouldNotContain("refused");
    }

    [Fact]
    public async Task BackendSlow_Answers504_WithinTheBound()
    {
        var options = Host.Services.GetRequiredService<FederationOptions>();
        var store = Fixture.MemoryBackends.Store("proxy-slow");
        store.Put("apps/a", new { k = "v" });
        await Host.ConfigureMemoryBackend("proxy-slow");
        var saved = options.ProxyTimeout;
        options.ProxyTimeout = TimeSpan.FromMilliseconds(200);
        store.Latency = TimeSpan.FromSeconds(30);
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            await Host.CallExpectingError("GET", "/v1/secrets/external/mem/a", null, 504, FederationErrorCodes.BackendTimeout);
            // Bounded: well before the backend's 30 s answer (a generous bound, not a speed assertion).
            started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20));
        }
        finally
        {
            options.ProxyTimeout = saved;
            store.Latency = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task PolicyDenial_IsDecidedOnTheScaiVaultPath_BeforeTheBackendIsCalled()
    {
        var store = Fixture.MemoryBackends.Store("proxy-deny");
        store.Put("apps/a", new { k = "v" });
        await Host.ConfigureMemoryBackend("proxy-deny", tenantPrefix: "/t/acme");
        await Host.GrantPolicy("acme", "only-internal", "identity:alice", ("internal/**", ["read"], "allow"));
        var token = Fixture.Tokens.Mint(sub: "alice", tenant: "acme", scope: "secrets:read");
        var readsBefore = store.Reads;
        await Host.Scenario(s => { s.Get.Url("/v1/secrets/external/mem/a"); s.WithToken(token); s.StatusCodeShouldBe(403); });
        store.Reads.ShouldBe(readsBefore);

        await Host.GrantPolicy("acme", "mem-read", "identity:alice", ("external/mem/**", ["read"], "allow"));
        var allowed = await Host.Scenario(s => { s.Get.Url("/v1/secrets/external/mem/a"); s.WithToken(token); s.StatusCodeShouldBeOk(); });
        (await allowed.Json())["data"]!["k"].Str().ShouldBe("v");
    }

    [Fact]
    public async Task Credentials_AreReadFromScaiVault_AndNeverShown()
    {
        await Host.PutSecret("infra/mem/creds", new { token = "s.very-secret" });
        var store = Fixture.MemoryBackends.Store("proxy-creds");
        store.Put("apps/a", new { k = "v" });
        var created = await (await Host.Call("POST", "/v1/federation/backends", """
            {"name": "with-creds", "type": "test-memory", "config": {"store": "proxy-creds", "auth_config_path": "infra/mem/creds"},
             "path_mapping": {"external/mem/**": "apps/**"}, "mode": "proxy"}
            """, 201)).ReadAsTextAsync();
        created.ShouldContain("infra/mem/creds");
        created.ShouldNotContain("very-secret");
        (await Host.GetJson("/v1/secrets/external/mem/a"))["data"]!["k"].Str().ShouldBe("v");
        store.LastCredential.ShouldNotBeNull().ShouldContain("s.very-secret");
    }
}
