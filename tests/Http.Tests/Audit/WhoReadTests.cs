using System.Text.Json;
using Alba;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Audit;

public sealed class WhoReadTests(AppFixture fixture) : AuditContext(fixture)
{
    private async Task Read(string sub, string url, int status)
    {
        await Host.Scenario(s =>
        {
            s.Get.Url(url);
            s.WithToken(Fixture.Tokens.Mint(sub: sub, tenant: "acme", scope: "secrets:read"));
            s.StatusCodeShouldBe(status);
        });
    }

    private async Task Write(string value) => await Host.Scenario(s =>
    {
        s.AsRoot().Put.Url("/t/acme/v1/secrets/apps/billing/db");
        s.Body.TextIs(JsonSerializer.Serialize(new { data = new { password = value } }));
    });

    [Fact]
    public async Task WhoRead_ListsEachSuccessfulReadWithTheVersionServed_FromTheEvents()
    {
        await Host.GrantPolicy("acme", "readers", "group:readers", ("apps/**", ["read"], "allow"));
        await Host.AllowEverything("acme", "identity:alice");
        await Host.AllowEverything("acme", "identity:bob");
        await Write("one");
        await Read("alice", "/v1/secrets/apps/billing/db", 200);
        await Write("two");
        await Read("bob", "/v1/secrets/apps/billing/db", 200);
        await Read("bob", "/v1/secrets/apps/billing/db?version=1", 200);
        await Read("carol", "/v1/secrets/apps/billing/db", 403);            // denied: not a read that happened
        await Read("alice", "/v1/metadata/apps/billing/db", 200);           // metadata is not a value read

        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/v1/audit/reads?path=apps/billing/db&from=1+hour+ago");
            s.WithToken(Fixture.Tokens.Mint(sub: "auditor", tenant: "acme", scope: "audit:read"));
        });
        var reads = Parse(await result.ReadAsTextAsync()).GetProperty("reads").EnumerateArray()
            .Select(r => (r.GetProperty("identity_id").GetString(), r.GetProperty("version").GetInt32())).ToArray();
        Assert.Equal([("alice", 1), ("bob", 2), ("bob", 1)], reads);

        // The replay was itself audited.
        var requestId = result.Context.Response.Headers["X-Request-ID"].ToString();
        var entry = Assert.Single(await EntriesFor(requestId));
        Assert.Equal(("audit.reads", "apps/billing/db", "auditor"), (entry.Action, entry.Path, entry.IdentityId));
    }

    [Fact]
    public async Task WhoRead_IsScopedToTheCallersTenant_AndToTheTimeWindow()
    {
        await Host.AllowEverything("acme", "identity:alice");
        await Write("one");
        await Read("alice", "/v1/secrets/apps/billing/db", 200);

        async Task<int> Count(string tenant, string query)
        {
            var result = await Host.Scenario(s =>
            {
                s.Get.Url("/v1/audit/reads" + query);
                s.WithToken(Fixture.Tokens.Mint(sub: "auditor", tenant: tenant, scope: "audit:read"));
            });
            return Parse(await result.ReadAsTextAsync()).GetProperty("reads").GetArrayLength();
        }
        Assert.Equal(1, await Count("acme", "?path=apps/billing/db&from=1+hour+ago"));
        Assert.Equal(0, await Count("globex", "?path=apps/billing/db&from=1+hour+ago"));
        Assert.Equal(0, await Count("acme", "?path=apps/billing/db&from=2+hours+ago&to=1+hour+ago"));
    }

    [Theory]
    [InlineData("?from=1+hour+ago", "invalid_path")]
    [InlineData("?path=apps/../x&from=1+hour+ago", "invalid_path")]
    [InlineData("?path=apps/x", "invalid_time")]
    [InlineData("?path=apps/x&from=soon", "invalid_time")]
    [InlineData("?path=apps/x&from=1h&by=me", "invalid_request")]
    public async Task WhoRead_BadQuery_Answers400(string query, string code)
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/v1/audit/reads" + query);
            s.WithToken(Fixture.Tokens.Mint(sub: "auditor", tenant: "acme", scope: "audit:read"));
            s.StatusCodeShouldBe(400);
        });
        Assert.Equal(code, await result.ErrorCode());
    }
}
