using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Policies;

/// <summary>DELETE /v1/policies/{name}.</summary>
public sealed class RemovePolicyTests(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task Delete_ExistingPolicy_Answers204_AndItNoLongerApplies()
    {
        await Host.CreatePolicy("p");
        await Host.Bind("p", "group:billing");
        Assert.True((await Host.Evaluate("read", "apps/billing/db", "group:billing")).Allowed);

        var result = await Host.Call("DELETE", "/v1/policies/p", status: 204);
        Assert.Equal("", await result.ReadAsTextAsync());

        await Host.CallExpectingError("GET", "/v1/policies/p", null, 404, "policy_not_found");
        Assert.Equal((false, null, null), await Host.Evaluate("read", "apps/billing/db", "group:billing"));
    }

    [Fact]
    public async Task Delete_Repeated_StillAnswers204()
    {
        await Host.CreatePolicy("p");
        await Host.Call("DELETE", "/v1/policies/p", status: 204);
        await Host.Call("DELETE", "/v1/policies/p", status: 204);
    }

    [Fact]
    public async Task Delete_NeverDefined_Is404PolicyNotFound() =>
        await Host.CallExpectingError("DELETE", "/v1/policies/nope", null, 404, "policy_not_found");

    [Fact]
    public async Task Delete_InvalidName_Is400() =>
        await Host.CallExpectingError("DELETE", "/v1/policies/a%20b", null, 400, "invalid_request");
}
