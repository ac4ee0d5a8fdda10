using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Policies;

/// <summary>Every policy endpoint refuses an unauthenticated caller and changes nothing.</summary>
public sealed class PolicyAuthTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Rules = """[{"path": "**", "actions": ["read"], "effect": "allow"}]""";

    public static TheoryData<string, string, string?> Endpoints() => new()
    {
        { "POST", "/v1/policies", $$"""{"name": "intruder", "rules": {{Rules}}}""" },
        { "GET", "/v1/policies", null },
        { "GET", "/v1/policies/p", null },
        { "PUT", "/v1/policies/p", $$"""{"rules": {{Rules}}}""" },
        { "DELETE", "/v1/policies/p", null },
        { "POST", "/v1/policies/p/bindings", """{"subject": "identity:intruder"}""" },
        { "DELETE", "/v1/policies/p/bindings/group:billing", null },
        { "POST", "/v1/policies/evaluate", """{"subjects": ["group:billing"], "action": "read", "path": "apps/billing/db"}""" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_WithoutToken_Is401AndChangesNothing(string method, string url, string? body)
    {
        await Host.CreatePolicy("p");
        await Host.Bind("p", "group:billing");
        var before = (await Host.GetJson("/v1/policies")).ToJsonString();

        await Host.CallExpectingError(method, url, body, 401, "unauthenticated", asRoot: false);

        Assert.Equal(before, (await Host.GetJson("/v1/policies")).ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_WithAWrongToken_Is401(string method, string url, string? body)
    {
        var result = await Host.Call(method, url, body, 401, asRoot: false,
            configure: s => s.WithRequestHeader("Authorization", "Bearer svr_not-the-root-token"));
        await result.ShouldBeError("unauthenticated");
    }
}
