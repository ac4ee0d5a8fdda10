using System.Text.RegularExpressions;
using Alba;
using Microsoft.AspNetCore.Routing;
using ScaiVault.Domain.Audit;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Audit;

/// <summary>
/// Every endpoint the app maps (found at run time, so endpoints added later are covered too) leaves exactly one
/// audit entry per request, whether the request is anonymous, carries a bad token, is malformed or is fine.
/// </summary>
public sealed partial class EveryRequestIsAuditedTests(AppFixture fixture) : AuditContext(fixture)
{
    [GeneratedRegex(@"\{\*?([A-Za-z_]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    private static string Concrete(string pattern) => RouteParameter().Replace(pattern, m => m.Groups[1].Value switch
    {
        "path" => "audit/probe/secret",
        "name" => "probe-policy",
        "subject" => "identity:probe",
        _ => "probe",
    });

    private List<(string Method, string Url, string Pattern)> AllEndpoints()
    {
        var endpoints = Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var calls = new List<(string, string, string)>();
        foreach (var endpoint in endpoints)
        {
            var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                calls.Add((method, Concrete(pattern), pattern));
        }
        return calls;
    }

    private async Task<(int Status, List<AuditEntryRecorded> Entries)> Call(string method, string url, string? token, string? body)
    {
        var id = NewRequestId();
        var result = await Host.Scenario(s =>
        {
            s.Method(method).Url(url);
            s.WithRequestHeader("X-Request-ID", id);
            s.WithRequestHeader("User-Agent", "audit-test/1.0");
            if (token is not null) s.WithToken(token);
            if (body is not null) s.Body.TextIs(body);
            s.IgnoreStatusCode();
        });
        return (result.Context.Response.StatusCode, await EntriesFor(id));
    }

    [Fact]
    public async Task EveryEndpoint_AnyCaller_WritesExactlyOneEntryPerRequest()
    {
        var calls = AllEndpoints();
        Assert.Contains(calls, c => c.Pattern == "/v1/secrets/{*path}" && c.Method == "GET");
        Assert.Contains(calls, c => c.Pattern == "/v1/audit/logs");
        var jwt = Fixture.Tokens.Mint(sub: "probe-user", tenant: "acme", scope: "secrets:read");

        foreach (var (method, url, pattern) in calls)
        {
            var unaudited = AuditMiddleware.Unaudited.Contains(pattern);
            foreach (var (token, body, kind) in new (string?, string?, string)[]
                     {
                         (null, null, "anonymous"),
                         ("not-a-valid-token", null, "bad token"),
                         (jwt, "{\"data\": 1", "malformed, limited scope"),
                         (AppFixture.RootToken, "{\"nonsense\": true}", "root, wrong body"),
                         (AppFixture.RootToken, "{}", "root, empty object"),
                     })
            {
                var (status, entries) = await Call(method, url, token, method is "GET" or "DELETE" && body is not null ? null : body);
                var what = $"{method} {url} ({kind}) answered {status}";
                if (unaudited)
                {
                    Assert.True(entries.Count == 0, $"{what}: health probes are not audited, found {entries.Count}");
                    continue;
                }
                Assert.True(entries.Count == 1, $"{what}: expected one audit entry, found {entries.Count}");
                var entry = entries[0];
                Assert.Equal(status, entry.Status);
                Assert.Equal(AuditOutcome.From(status), entry.Outcome);
                Assert.Equal(method, entry.Method);
                Assert.False(string.IsNullOrEmpty(entry.Action), what);
                Assert.NotEqual(AuditActions.Unmatched, entry.Action);
                Assert.Equal("audit-test/1.0", entry.UserAgent);
                if (token is null || token == "not-a-valid-token") Assert.Equal(AuditIdentities.Anonymous, entry.IdentityId);
                if (token is not null) Assert.NotNull(entry.TokenHmac);
                Assert.Equal(entry.Hash, AuditChain.HashOf(entry));
            }
        }
    }

    [Fact]
    public async Task SecretRead_ByAServiceAccount_RecordsWhoWhatWhichVersionAndNoValue()
    {
        await Host.AllowEverything("acme", "identity:sa:billing-prod");
        var value = "audited-value-" + Guid.NewGuid().ToString("N");
        await Host.Scenario(s =>
        {
            s.AsRoot().Put.Url("/t/acme/v1/secrets/apps/billing/db");
            s.Body.TextIs(System.Text.Json.JsonSerializer.Serialize(new { data = new { password = value } }));
        });
        var token = Fixture.Tokens.Mint(sub: "sa:billing-prod", tenant: "acme", scope: "secrets:read");
        var (status, entries) = await Call("GET", "/v1/secrets/apps/billing/db", token, null);

        Assert.Equal(200, status);
        var entry = Assert.Single(entries);
        Assert.Equal(("acme", "sa:billing-prod", "secret.read", "apps/billing/db", 1, AuditOutcome.Success),
            (entry.TenantId, entry.IdentityId, entry.Action, entry.Path, entry.Version, entry.Outcome));
        Assert.Equal(Host.Services.GetRequiredService<AuditHmacKey>().Hash(token), entry.TokenHmac);
        Assert.True(entry.DurationMs > 0);
        Assert.DoesNotContain(token, entry.ToString());
        Assert.DoesNotContain(value, entry.ToString());
    }

    [Theory]
    [InlineData("GET", "/v1/no-such-route", 404, AuditActions.Unmatched)]
    [InlineData("PATCH", "/v1/policies", 405, AuditActions.Unmatched)]
    [InlineData("GET", "/v1/secrets/a/../b", 400, "secret.read")]
    [InlineData("GET", "/v1/secrets/a%0Ab", 400, "secret.read")]     // control characters (NUL: HostilePathTests)
    [InlineData("GET", "/v1/no%0Aroute", 404, AuditActions.Unmatched)]
    public async Task OddRequests_AreAuditedToo(string method, string url, int expected, string action)
    {
        var (status, entries) = await Call(method, url, AppFixture.RootToken, null);
        Assert.Equal(expected, status);
        var entry = Assert.Single(entries);
        Assert.Equal((expected, action), (entry.Status, entry.Action));
        Assert.Equal(AuditOutcome.Invalid, entry.Outcome);
        Assert.DoesNotContain(entry.Target, char.IsControl);
    }

    [Fact]
    public async Task OversizedBody_IsAuditedAs413()
    {
        var body = "{\"data\": {\"v\": \"" + new string('x', 300 * 1024) + "\"}}";
        var (status, entries) = await Call("PUT", "/v1/secrets/audit/big", AppFixture.RootToken, body);
        Assert.Equal(413, status);
        Assert.Equal((413, "body_too_large", "secret.write"), (Assert.Single(entries).Status, entries[0].ErrorCode, entries[0].Action));
    }

    [Fact]
    public async Task CrossTenantPrefix_WithoutPartnerAdmin_IsAuditedAsDenied()
    {
        var token = Fixture.Tokens.Mint(sub: "mallory", tenant: "acme", scope: "secrets:read");
        var (status, entries) = await Call("GET", "/t/globex/v1/secrets/apps/x", token, null);
        Assert.Equal(403, status);
        var entry = Assert.Single(entries);
        Assert.Equal(("mallory", "acme", AuditOutcome.Denied, "/t/globex/v1/secrets/apps/x"), (entry.IdentityId, entry.TenantId, entry.Outcome, entry.Target));
    }
}
