using System.Text.Json;
using Alba;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Audit;

public sealed class AuditLogQueryTests(AppFixture fixture) : AuditContext(fixture)
{
    private string Auditor(string tenant = "acme") => Fixture.Tokens.Mint(sub: "auditor", tenant: tenant, scope: "audit:read");

    private async Task<JsonElement> Query(string token, string query, int status = 200)
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/v1/audit/logs" + query);
            s.WithToken(token);
            s.StatusCodeShouldBe(status);
        });
        return Parse(await result.ReadAsTextAsync());
    }

    private static List<JsonElement> Entries(JsonElement page) => [.. page.GetProperty("entries").EnumerateArray()];

    /// <summary>acme: billing-prod reads apps/billing/db twice and is denied apps/hr/salaries; alice writes apps/web/key.</summary>
    private async Task SomeActivity()
    {
        await Host.GrantPolicy("acme", "billing", "identity:sa:billing-prod", ("apps/billing/**", ["read"], "allow"));
        await Host.AllowEverything("acme", "identity:alice");
        await Host.Scenario(s =>
        {
            s.AsRoot().Put.Url("/t/acme/v1/secrets/apps/billing/db");
            s.Body.TextIs("""{"data": {"password": "p"}}""");
        });
        var billing = Fixture.Tokens.Mint(sub: "sa:billing-prod", tenant: "acme", scope: "secrets:read");
        foreach (var (url, status) in new[] { ("/v1/secrets/apps/billing/db", 200), ("/v1/secrets/apps/billing/db", 200), ("/v1/secrets/apps/hr/salaries", 403) })
            await Host.Scenario(s =>
            {
                s.Get.Url(url);
                s.WithToken(billing);
                s.StatusCodeShouldBe(status);
            });
        await Host.Scenario(s =>
        {
            s.Put.Url("/v1/secrets/apps/web/key");
            s.WithToken(Fixture.Tokens.Mint(sub: "alice", tenant: "acme"));
            s.Body.TextIs("""{"data": {"k": "v"}}""");
        });
        await CatchUpAuditLog();
    }

    [Fact]
    public async Task SeedExample_IdentityAndRelativeFrom_ListsThatIdentitysRequestsNewestFirst()
    {
        await SomeActivity();
        // The seed's curl, with its URL exactly: identity_id=sa:billing-prod&from=1+hour+ago
        var page = await Query(Auditor(), "?identity_id=sa:billing-prod&from=1+hour+ago");
        var entries = Entries(page);
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal("sa:billing-prod", e.GetProperty("identity_id").GetString()));
        Assert.Equal(["denied", "success", "success"], entries.Select(e => e.GetProperty("outcome").GetString()!).ToArray());
        Assert.Equal("apps/hr/salaries", entries[0].GetProperty("path").GetString());
        Assert.Equal(1, entries[1].GetProperty("version").GetInt32());
        var times = entries.Select(e => e.GetProperty("time").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
    }

    [Fact]
    public async Task Filters_PathExactPrefixActionOutcomeAndTime_NarrowTheList()
    {
        await SomeActivity();
        var token = Auditor();
        Assert.Equal(2, Entries(await Query(token, "?path=apps/billing/db&action=secret.read")).Count);
        Assert.Equal(3, Entries(await Query(token, "?path_prefix=apps/billing/")).Count); // two reads + the root's write
        Assert.Empty(Entries(await Query(token, "?path_prefix=apps/billing_")));             // '_' is not a wildcard
        Assert.Equal("apps/hr/salaries", Assert.Single(Entries(await Query(token, "?outcome=denied&identity_id=sa:billing-prod"))).GetProperty("path").GetString());
        Assert.Equal("alice", Assert.Single(Entries(await Query(token, "?action=secret.write&path_prefix=apps/web"))).GetProperty("identity_id").GetString());
        Assert.Empty(Entries(await Query(token, "?from=2000-01-01T00:00:00Z&to=2000-01-02")));
        Assert.Empty(Entries(await Query(token, "?to=1+day+ago")));
        Assert.NotEmpty(Entries(await Query(token, "?from=15m&to=now")));
    }

    [Fact]
    public async Task Pages_FollowTheCursor_WithoutGapsOrRepeats()
    {
        await SomeActivity();
        var token = Auditor();
        var all = Entries(await Query(token, "?limit=1000")).Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.True(all.Count >= 8, $"only {all.Count} entries");
        var seen = new List<string?>();
        string? cursor = null;
        do
        {
            var page = await Query(token, "?limit=3" + (cursor is null ? "" : "&cursor=" + cursor));
            seen.AddRange(Entries(page).Select(e => e.GetProperty("id").GetString()));
            cursor = page.GetProperty("next_cursor").GetString();
        } while (cursor is not null);
        // Entries keep arriving (these queries are audited too) but only ever newer than a cursor, so the
        // pages hold every entry of the first listing, in the same order.
        Assert.Equal(all, seen.Where(all.Contains));
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task AnotherTenantsAuditor_SeesNoneOfIt()
    {
        await SomeActivity();
        var page = await Query(Auditor("globex"), "?identity_id=sa:billing-prod");
        Assert.Empty(Entries(page));
    }

    [Fact]
    public async Task Query_WithoutAuditScope_IsDenied_AndTheDenialIsAudited()
    {
        var id = NewRequestId();
        await Host.Scenario(s =>
        {
            s.Get.Url("/v1/audit/logs");
            s.WithToken(Fixture.Tokens.Mint(sub: "nosy", tenant: "acme", scope: "secrets:read secrets:write"));
            s.WithRequestHeader("X-Request-ID", id);
            s.StatusCodeShouldBe(403);
        });
        var entry = Assert.Single(await EntriesFor(id));
        Assert.Equal(("nosy", "audit.query", "denied"), (entry.IdentityId, entry.Action, entry.Outcome));
    }

    [Theory]
    [InlineData("?from=yesterday-ish", "invalid_time")]
    [InlineData("?from=now&to=1+hour+ago", "invalid_time")]
    [InlineData("?outcome=maybe", "invalid_request")]
    [InlineData("?limit=0", "invalid_request")]
    [InlineData("?cursor=bm90LWEtY3Vyc29y", "invalid_cursor")]
    [InlineData("?identity=alice", "invalid_request")]
    public async Task BadFilters_Answer400WithACode(string query, string code)
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/v1/audit/logs" + query);
            s.WithToken(Auditor());
            s.StatusCodeShouldBe(400);
        });
        Assert.Equal(code, await result.ErrorCode());
    }

    [Fact]
    public async Task HashOfALeakedToken_FindsEveryRequestMadeWithIt()
    {
        var leaked = Fixture.Tokens.Mint(sub: "sa:billing-prod", tenant: "acme", scope: "secrets:read");
        for (var i = 0; i < 2; i++)
            await Host.Scenario(s =>
            {
                s.Get.Url("/v1/secrets/apps/billing/db");
                s.WithToken(leaked);
                s.IgnoreStatusCode();
            });
        var hashed = await Host.Scenario(s =>
        {
            s.Post.Url("/v1/audit/hash");
            s.WithToken(Auditor());
            s.Body.TextIs(JsonSerializer.Serialize(new { input = leaked }));
        });
        var hash = Parse(await hashed.ReadAsTextAsync()).GetProperty("hash").GetString()!;
        Assert.Equal(Host.Services.GetRequiredService<AuditHmacKey>().Hash(leaked), hash);
        Assert.StartsWith("hmac-sha256:", hash);

        await CatchUpAuditLog();
        var found = Entries(await Query(Auditor(), "?token_hmac=" + Uri.EscapeDataString(hash)));
        Assert.Equal(2, found.Count);
        Assert.All(found, e => Assert.Equal("sa:billing-prod", e.GetProperty("identity_id").GetString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("""{"input": ""}""")]
    [InlineData("""{"input": 5}""")]
    [InlineData("""{"input": "x", "other": 1}""")]
    public async Task Hash_WithoutAStringInput_Answers400(string body)
    {
        await Host.Scenario(s =>
        {
            s.Post.Url("/v1/audit/hash");
            s.WithToken(Auditor());
            s.Body.TextIs(body);
            s.StatusCodeShouldBe(400);
        });
    }

    [Fact]
    public async Task Hash_WithoutAuditScope_IsDenied()
    {
        await Host.Scenario(s =>
        {
            s.Post.Url("/v1/audit/hash");
            s.WithToken(Fixture.Tokens.Mint(sub: "nosy", tenant: "acme"));
            s.Body.TextIs("""{"input": "x"}""");
            s.StatusCodeShouldBe(403);
        });
    }
}
