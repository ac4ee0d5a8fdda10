using Alba;
using Shouldly;
using System.Text.Json.Nodes;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Federation;

public sealed class BackendsApiTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Url = "/v1/federation/backends";

    [Fact]
    public async Task Configure_Valid_Answers201WithIdAndHealthyStatus()
    {
        var result = await Host.Call("POST", Url, """
            {"name": "mem-prod", "type": "test-memory", "config": {"store": "configure"},
             "path_mapping": {"external/mem/**": "apps/**"}, "mode": "proxy"}
            """, 201);
        var body = await result.Json();
        body["id"].Str().ShouldStartWith("fed_");
        body["status"].Str().ShouldBe("healthy");
        body["mode"].Str().ShouldBe("proxy");
        body["path_mapping"]![0]!["scaivault_path"].Str().ShouldBe("external/mem/**");
        result.Context.Response.Headers.Location.ToString().ShouldBe($"{Url}/{body["id"].Str()}");

        var listed = await Host.GetJson(Url);
        listed["backends"]!.AsArray().Select(b => b!["id"].Str()).ShouldBe([body["id"].Str()]);
        (await Host.GetJson($"{Url}/{body["id"].Str()}"))["name"].Str().ShouldBe("mem-prod");
    }

    [Fact]
    public async Task Configure_UnreachableBackend_IsConfigured_StatusSaysSo()
    {
        Fixture.MemoryBackends.Store("down-at-start").Down = true;
        var id = await Host.ConfigureMemoryBackend("down-at-start");
        var status = await Host.GetJson($"{Url}/{id}/status");
        status["status"].Str().ShouldBe("unreachable");
        status["connection"]!["status"].Str().ShouldBe("unreachable");
        status["recent_events"]!.AsArray().Select(e => e!["type"].Str()).ShouldContain("federation.backend.unreachable");
    }

    [Theory]
    [InlineData("""{"type": "test-memory", "config": {"store": "x"}, "path_mapping": {"a/**": "b/**"}, "mode": "proxy"}""", "name")]
    [InlineData("""{"name": "n", "type": "no-such-store", "config": {}, "path_mapping": {"a/**": "b/**"}, "mode": "proxy"}""", "type")]
    [InlineData("""{"name": "n", "config": {"store": "x"}, "path_mapping": {"a/**": "b/**"}, "mode": "proxy"}""", "type")]
    [InlineData("""{"name": "n", "type": "test-memory", "config": {}, "path_mapping": {"a/**": "b/**"}, "mode": "proxy"}""", "config.store")]
    [InlineData("""{"name": "n", "type": "test-memory", "config": {"store": "x"}, "path_mapping": {"a/**": "b"}, "mode": "proxy"}""", "path_mapping.a/**")]
    [InlineData("""{"name": "n", "type": "test-memory", "config": {"store": "x"}, "mode": "proxy"}""", "path_mapping")]
    [InlineData("""{"name": "n", "type": "test-memory", "config": {"store": "x"}, "path_mapping": {"a/**": "b/**"}, "mode": "mirror"}""", "mode")]
    [InlineData("""{"name": "n", "type": "test-memory", "config": {"store": "x"}, "path_mapping": {"a/**": "b/**"}, "mode": "sync"}""", "sync_interval")]
    [InlineData("""{"name": "n", "type": "test-memory", "config": {"store": "x"}, "path_mapping": {"a/**": "b/**"}, "mode": "sync", "sync_interval": "15x"}""", "sync_interval")]
    [InlineData("""{"name": "n", "type": "test-memory", "config": {"store": "x"}, "path_mapping": {"a/**": "b/**"}, "mode": "sync", "sync_interval": "15m", "conflict_resolution": "coin_flip"}""", "conflict_resolution")]
    [InlineData("""{"name": "n", "type": "test-memory", "config": {"store": "x"}, "path_mapping": {"a/**": "b/**"}, "mode": "proxy", "colour": "red"}""", "colour")]
    public async Task Configure_Invalid_Answers400NamingTheField(string body, string field)
    {
        var message = await Host.CallExpectingError("POST", Url, body, 400, "invalid_request");
        message.ShouldStartWith(field + " ");
        (await Host.GetJson(Url))["backends"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Patch_SwitchesModeAsTheVaultGuideDoes_WithoutTouchingData()
    {
        var id = await Host.ConfigureMemoryBackend("patch");
        var patched = await (await Host.Call("PATCH", $"{Url}/{id}",
            """{"mode": "sync", "sync_interval": "1h", "conflict_resolution": "local_wins"}""")).Json();
        patched["mode"].Str().ShouldBe("sync");
        patched["sync_interval"].Str().ShouldBe("1h");
        patched["conflict_resolution"].Str().ShouldBe("local_wins");
        patched["revision"].Int().ShouldBe(2);
        patched["path_mapping"]![0]!["backend_path"].Str().ShouldBe("apps/**");

        await Host.CallExpectingError("PATCH", $"{Url}/{id}", """{"type": "aws-secrets-manager"}""", 400, "invalid_request");
        await Host.CallExpectingError("PATCH", $"{Url}/{id}", """{"mode": "proxy", "sync_interval": "2"}""", 400, "invalid_request");
        (await Host.GetJson($"{Url}/{id}"))["mode"].Str().ShouldBe("sync");
        var events = (await Host.GetJson($"{Url}/{id}/status"))["recent_events"]!.AsArray().Select(e => e!["type"].Str()).ToArray();
        events.ShouldContain("federation.backend.reconfigured");
    }

    [Fact]
    public async Task Delete_RemovesTheBackend()
    {
        var id = await Host.ConfigureMemoryBackend("delete");
        await Host.Call("DELETE", $"{Url}/{id}", null, 204);
        await Host.CallExpectingError("GET", $"{Url}/{id}", null, 404, "backend_not_found");
        await Host.CallExpectingError("GET", $"{Url}/{id}/status", null, 404, "backend_not_found");
        await Host.CallExpectingError("DELETE", $"{Url}/{id}", null, 404, "backend_not_found");
    }

    [Fact]
    public async Task SameName_Twice_Answers409()
    {
        await Host.ConfigureMemoryBackend("dup", name: "twin");
        var body = """{"name": "twin", "type": "test-memory", "config": {"store": "dup"}, "path_mapping": {"x/**": "y/**"}, "mode": "proxy"}""";
        await Host.CallExpectingError("POST", Url, body, 409, "backend_name_in_use");
    }

    [Fact]
    public async Task Scopes_ReadNeedsFederationRead_WriteNeedsFederationWrite()
    {
        var id = await Host.ConfigureMemoryBackend("scopes", tenantPrefix: "/t/acme");
        var reader = Fixture.Tokens.Mint(scope: "federation:read");
        var secretsOnly = Fixture.Tokens.Mint(scope: "secrets:read secrets:write");
        await Host.Scenario(s => { s.Get.Url(Url); s.WithToken(secretsOnly); s.StatusCodeShouldBe(403); });
        var listed = await Host.Scenario(s => { s.Get.Url(Url); s.WithToken(reader); s.StatusCodeShouldBeOk(); });
        (await listed.Json())["backends"]!.AsArray().Select(b => b!["id"].Str()).ShouldBe([id]);
        await Host.Scenario(s => { s.Post.Url(Url); s.WithToken(reader); s.Body.TextIs("{}"); s.StatusCodeShouldBe(403); });
        await Host.Scenario(s => { s.Delete.Url($"{Url}/{id}"); s.WithToken(reader); s.StatusCodeShouldBe(403); });
        // Per tenant: another tenant's caller does not see it.
        var other = Fixture.Tokens.Mint(tenant: "globex", scope: "federation:read");
        var otherList = await Host.Scenario(s => { s.Get.Url(Url); s.WithToken(other); s.StatusCodeShouldBeOk(); });
        (await otherList.Json())["backends"]!.AsArray().ShouldBeEmpty();
        await Host.Scenario(s => { s.Get.Url($"{Url}/{id}"); s.WithToken(other); s.StatusCodeShouldBe(404); });
    }
}
