using Alba;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Identity;

/// <summary>Policies on every secret endpoint: first matching rule wins, no match is 403 before any lookup.</summary>
public sealed class PolicyEnforcementTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private string Alice(params string[] groups) => Fixture.Tokens.Mint(sub: "alice", tenant: "acme", groups: groups);

    [Fact]
    public async Task Read_WithoutAnyPolicy_IsDeniedTheSameWhetherOrNotThePathExists()
    {
        await Host.AllowEverything("acme", "identity:writer");
        await Put(Fixture.Tokens.Mint(sub: "writer", tenant: "acme"), "apps/billing/db");

        var existing = await Call("GET", "/v1/secrets/apps/billing/db", Alice(), 403);
        var missing = await Call("GET", "/v1/secrets/apps/billing/nothing-here", Alice(), 403);

        Assert.Equal("access_denied", await existing.ErrorCode());
        Assert.Equal((await existing.Json())["error"]!["message"]!.GetValue<string>(),
            (await missing.Json())["error"]!["message"]!.GetValue<string>());
        Assert.DoesNotContain("pw", await existing.ReadAsTextAsync());
    }

    [Fact]
    public async Task Group_AllowsReadUnderItsSubtree_AndNothingElse()
    {
        await Host.AllowEverything("acme", "identity:writer");
        var writer = Fixture.Tokens.Mint(sub: "writer", tenant: "acme");
        await Put(writer, "apps/billing/db");
        await Put(writer, "apps/payroll/db");
        await Host.GrantPolicy("acme", "billing-readers", "group:billing", ("apps/billing/**", ["read", "list"], "allow"));

        var read = await Call("GET", "/v1/secrets/apps/billing/db", Alice("billing"), 200);
        Assert.Equal("pw", (await read.Json())["data"]!["password"]!.GetValue<string>());
        await Call("GET", "/v1/secrets/apps/payroll/db", Alice("billing"), 403);
        await Call("PUT", "/v1/secrets/apps/billing/db", Alice("billing"), 403, """{"data": {"password": "x"}}""");
        await Call("POST", "/v1/destroy/apps/billing/db", Alice("billing"), 403);
        await Call("GET", "/v1/secrets/apps/billing/db", Alice("other-group"), 403);
    }

    [Fact]
    public async Task EarlierDenyRule_WinsOverLaterAllow()
    {
        await Host.AllowEverything("acme", "identity:writer");
        var writer = Fixture.Tokens.Mint(sub: "writer", tenant: "acme");
        await Put(writer, "apps/billing/db");
        await Put(writer, "apps/billing/root-ca");
        await Host.GrantPolicy("acme", "readers", "identity:alice",
            ("apps/billing/root-*", ["read"], "deny"),
            ("apps/**", ["read"], "allow"));

        await Call("GET", "/v1/secrets/apps/billing/db", Alice(), 200);
        await Call("GET", "/v1/secrets/apps/billing/root-ca", Alice(), 403);
    }

    [Fact]
    public async Task List_ShowsOnlyPathsTheCallerMayList()
    {
        await Host.AllowEverything("acme", "identity:writer");
        var writer = Fixture.Tokens.Mint(sub: "writer", tenant: "acme");
        await Put(writer, "apps/billing/db");
        await Put(writer, "apps/payroll/db");
        await Host.GrantPolicy("acme", "billing-listers", "identity:alice", ("apps/billing/**", ["list"], "allow"));

        var list = await Call("GET", "/v1/secrets?prefix=apps", Alice(), 200);

        var paths = (await list.Json())["secrets"]!.AsArray().Select(s => s!["path"]!.GetValue<string>()).ToArray();
        Assert.Equal(["apps/billing/db"], paths);
    }

    [Fact]
    public async Task Impersonation_HasTheServiceAccountsRightsOnly()
    {
        await Host.AllowEverything("acme", "identity:writer");
        var writer = Fixture.Tokens.Mint(sub: "writer", tenant: "acme");
        await Put(writer, "apps/billing/db");
        await Put(writer, "apps/payroll/db");
        await Host.GrantPolicy("acme", "billing-sa", "identity:sa:billing-prod", ("apps/billing/**", ["read"], "allow"));
        await Host.GrantPolicy("acme", "alice-wide", "identity:alice", ("apps/**", ["read"], "allow"));
        var aliceAsServiceAccount = Fixture.Tokens.Mint(sub: "sa:billing-prod", tenant: "acme",
            extraClaims: new Dictionary<string, object> { ["act"] = new Dictionary<string, object> { ["sub"] = "alice" } });

        await Call("GET", "/v1/secrets/apps/billing/db", aliceAsServiceAccount, 200);
        await Call("GET", "/v1/secrets/apps/payroll/db", aliceAsServiceAccount, 403);
        await Call("GET", "/v1/secrets/apps/payroll/db", Alice(), 200);
    }

    [Fact]
    public async Task GroupRemovedByScaiKey_TakesEffectOnTheNextRequest()
    {
        await Host.AllowEverything("acme", "identity:writer");
        await Put(Fixture.Tokens.Mint(sub: "writer", tenant: "acme"), "apps/billing/db");
        await Host.GrantPolicy("acme", "billing-readers", "group:billing", ("apps/billing/**", ["read"], "allow"));
        var token = Alice("billing");
        await Call("GET", "/v1/secrets/apps/billing/db", token, 200);

        await Host.PostWebhook(ScaiKeyWebhooks.Delivery("group.member.removed", new { group = "billing", user_id = "alice" }));

        await Call("GET", "/v1/secrets/apps/billing/db", token, 403);
    }

    [Fact]
    public async Task ProfileFromScaiKey_ReplacesTheTokensGroups()
    {
        await Host.AllowEverything("acme", "identity:writer");
        await Put(Fixture.Tokens.Mint(sub: "writer", tenant: "acme"), "apps/billing/db");
        await Host.GrantPolicy("acme", "billing-readers", "group:billing", ("apps/billing/**", ["read"], "allow"));
        await Host.PostWebhook(ScaiKeyWebhooks.UserUpdated("alice", ["billing"]));

        await Call("GET", "/v1/secrets/apps/billing/db", Alice(), 200);
        await Call("GET", "/v1/secrets/apps/billing/db", Fixture.Tokens.Mint(sub: "bob", tenant: "acme", groups: ["eng"]), 403);
    }

    [Theory]
    [InlineData("user.deleted")]
    [InlineData("disabled")]
    public async Task UserDeletedOrDisabledByScaiKey_IsDeniedEverything(string change)
    {
        await Host.AllowEverything("acme", "identity:alice");
        await Call("PUT", "/v1/secrets/apps/db", Alice(), 200, """{"data": {"password": "pw"}}""");

        await Host.PostWebhook(change == "disabled"
            ? ScaiKeyWebhooks.UserUpdated("alice", [], disabled: true)
            : ScaiKeyWebhooks.Delivery("user.deleted", new { user_id = "alice" }));

        await Call("GET", "/v1/secrets/apps/db", Alice(), 403);
    }

    [Fact]
    public async Task PolicyEndpoints_NeedPoliciesWriteScope()
    {
        var result = await Call("GET", "/v1/policies", Fixture.Tokens.Mint(scope: "secrets:read secrets:write"), 403);
        Assert.Equal("access_denied", await result.ErrorCode());
        await Call("GET", "/v1/policies", Fixture.Tokens.Mint(scope: "policies:write"), 200);
    }

    private Task Put(string token, string path) =>
        Call("PUT", "/v1/secrets/" + path, token, 200, """{"data": {"password": "pw"}}""");

    private Task<IScenarioResult> Call(string method, string url, string token, int status, string? body = null) =>
        Host.Scenario(s =>
        {
            s.Method(method).Url(url);
            s.WithToken(token);
            if (body is not null) s.RawJson(body);
            s.StatusCodeShouldBe(status);
        });
}
