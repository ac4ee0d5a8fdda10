using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Policies;

/// <summary>PUT /v1/policies/{name}: replaces description, priority and rules; keeps bindings.</summary>
public sealed class ReplacePolicyTests(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task Put_ReplacesDescriptionPriorityAndRules_AndKeepsBindings()
    {
        var created = await Host.CreatePolicy("p", description: "old", priority: 5);
        await Host.Bind("p", "group:billing");

        var policy = await (await Host.Call("PUT", "/v1/policies/p", """
            {"description": "new", "priority": 9, "rules": [{"path": "infra/**", "actions": ["write"], "effect": "deny"}]}
            """)).Json();

        Assert.Equal("new", policy["description"].Str());
        Assert.Equal(9, policy["priority"].Int());
        var rule = policy["rules"]!.AsArray().ShouldHaveSingle();
        Assert.Equal("infra/**", rule!["path"].Str());
        Assert.Equal(["write"], PoliciesApi.Strings(rule["actions"]));
        Assert.Equal("deny", rule["effect"].Str());
        Assert.Equal(["group:billing"], PoliciesApi.Strings(policy["bindings"]));
        Assert.Equal(created["created_at"].Str(), policy["created_at"].Str());
        Assert.Equal(policy.ToJsonString(), (await Host.GetJson("/v1/policies/p")).ToJsonString());
    }

    [Fact]
    public async Task Put_LeavingOutDescriptionAndPriority_ResetsThemToTheirDefaults()
    {
        await Host.CreatePolicy("p", description: "old", priority: 5);
        var policy = await (await Host.Call("PUT", "/v1/policies/p", $$"""{"rules": {{PoliciesApi.ReadBillingRules}}}""")).Json();
        Assert.Null(policy["description"]);
        Assert.Equal(100, policy["priority"].Int());
    }

    [Fact]
    public async Task Put_SameContent_ChangesNothing()
    {
        var created = await Host.CreatePolicy("p", priority: 5);
        var policy = await (await Host.Call("PUT", "/v1/policies/p", $$"""{"priority": 5, "rules": {{PoliciesApi.ReadBillingRules}}}""")).Json();
        Assert.Equal(created.ToJsonString(), policy.ToJsonString());
    }

    [Fact]
    public async Task Put_WithTheSameNameInTheBody_IsAccepted()
    {
        await Host.CreatePolicy("p");
        await Host.Call("PUT", "/v1/policies/p", $$"""{"name": "p", "rules": {{PoliciesApi.ReadBillingRules}}}""");
    }

    [Fact]
    public async Task Put_WithAnotherNameInTheBody_Is400_NoRename()
    {
        await Host.CreatePolicy("p");
        var message = await Host.CallExpectingError("PUT", "/v1/policies/p", $$"""{"name": "q", "rules": {{PoliciesApi.ReadBillingRules}}}""",
            400, "invalid_request");
        Assert.Contains("renamed", message);
        await Host.CallExpectingError("GET", "/v1/policies/q", null, 404, "policy_not_found");
    }

    [Fact]
    public async Task Put_UnknownPolicy_Is404_AndCreatesNothing()
    {
        await Host.CallExpectingError("PUT", "/v1/policies/nope", $$"""{"rules": {{PoliciesApi.ReadBillingRules}}}""", 404, "policy_not_found");
        await Host.CallExpectingError("GET", "/v1/policies/nope", null, 404, "policy_not_found");
    }

    [Theory]
    [InlineData("""{"rules": []}""", "rules must hold at least one rule")]
    [InlineData("""{"description": "x"}""", "rules is required")]
    [InlineData("""{"priority": 10001, "rules": [{"path": "a", "actions": ["read"], "effect": "allow"}]}""", "priority")]
    [InlineData("""{"rules": [{"path": "a/**b", "actions": ["read"], "effect": "allow"}]}""", "rules[0].path")]
    [InlineData("""{"bindings": ["group:x"], "rules": [{"path": "a", "actions": ["read"], "effect": "allow"}]}""", "'bindings' is not a field")]
    public async Task Put_InvalidBody_Is400NamingTheField_AndChangesNothing(string body, string expected)
    {
        var created = await Host.CreatePolicy("p");
        var message = await Host.CallExpectingError("PUT", "/v1/policies/p", body, 400, "invalid_request");
        Assert.Contains(expected, message);
        Assert.Equal(created.ToJsonString(), (await Host.GetJson("/v1/policies/p")).ToJsonString());
    }

    [Fact]
    public async Task Put_InvalidNameInTheUrl_Is400() =>
        await Host.CallExpectingError("PUT", "/v1/policies/a%20b", $$"""{"rules": {{PoliciesApi.ReadBillingRules}}}""", 400, "invalid_request");
}

internal static class NodeAssertions
{
    public static System.Text.Json.Nodes.JsonNode? ShouldHaveSingle(this System.Text.Json.Nodes.JsonArray array)
    {
        Assert.Single(array);
        return array[0];
    }
}
