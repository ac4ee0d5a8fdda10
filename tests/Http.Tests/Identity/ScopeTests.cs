using Alba;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Identity;

public sealed class ScopeTests(AppFixture fixture) : IntegrationContext(fixture)
{
    public static TheoryData<string, string, string?, string> Endpoints => new()
    {
        { "GET", "/v1/secrets/apps/db", null, "secrets:read" },
        { "GET", "/v1/secrets", null, "secrets:read" },
        { "GET", "/v1/metadata/apps/db", null, "secrets:read" },
        { "PUT", "/v1/secrets/apps/db", """{"data": {"k": "v"}}""", "secrets:write" },
        { "PATCH", "/v1/metadata/apps/db", """{"metadata": {"owner": "x"}}""", "secrets:write" },
        { "POST", "/v1/delete/apps/db", null, "secrets:write" },
        { "POST", "/v1/undelete/apps/db", null, "secrets:write" },
        { "POST", "/v1/destroy/apps/db", null, "secrets:write" },
        { "DELETE", "/v1/secrets/apps/db", null, "secrets:write" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_WithoutItsScope_Is403(string method, string url, string? body, string needed)
    {
        var other = needed == "secrets:read" ? "secrets:write federation:read" : "secrets:read policies:write";
        var result = await Host.Scenario(s =>
        {
            s.Method(method).Url(url);
            s.WithToken(Fixture.Tokens.Mint(scope: other));
            if (body is not null) s.RawJson(body);
            s.StatusCodeShouldBe(403);
        });
        Assert.Equal("access_denied", await result.ErrorCode());
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_WithItsScopeOrAdmin_IsNotRefusedForScope(string method, string url, string? body, string needed)
    {
        await Host.AllowEverything("acme", "identity:alice");
        foreach (var scope in new[] { needed, "admin" })
        {
            var result = await Host.Scenario(s =>
            {
                s.Method(method).Url(url);
                s.WithToken(Fixture.Tokens.Mint(scope: scope));
                if (body is not null) s.RawJson(body);
                s.IgnoreStatusCode();
            });
            Assert.NotEqual(403, result.Context.Response.StatusCode);
            Assert.NotEqual(401, result.Context.Response.StatusCode);
        }
    }
}
