using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Policies;

/// <summary>GET /v1/policies/{name}.</summary>
public sealed class GetPolicyTests(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task Get_ExistingPolicy_AnswersItWithItsBindings()
    {
        await Host.CreatePolicy("billing-readers", description: "Read billing");
        await Host.Bind("billing-readers", "identity:sa:billing-prod");
        await Host.Bind("billing-readers", "group:billing");

        var policy = await Host.GetJson("/v1/policies/billing-readers");
        Assert.Equal("billing-readers", policy["name"].Str());
        Assert.Equal("Read billing", policy["description"].Str());
        Assert.Equal(["group:billing", "identity:sa:billing-prod"], PoliciesApi.Strings(policy["bindings"]));
    }

    [Fact]
    public async Task Get_UnknownPolicy_Is404PolicyNotFound() =>
        await Host.CallExpectingError("GET", "/v1/policies/nope", null, 404, "policy_not_found");

    [Fact]
    public async Task Get_RemovedPolicy_Is404PolicyNotFound()
    {
        await Host.CreatePolicy("p");
        await Host.Call("DELETE", "/v1/policies/p", status: 204);
        await Host.CallExpectingError("GET", "/v1/policies/p", null, 404, "policy_not_found");
    }

    [Fact]
    public async Task Get_NamesAreCaseSensitive()
    {
        await Host.CreatePolicy("Billing");
        await Host.CallExpectingError("GET", "/v1/policies/billing", null, 404, "policy_not_found");
    }

    [Theory]
    [InlineData("/v1/policies/a%20b")]
    [InlineData("/v1/policies/a:b")]
    [InlineData("/v1/policies/a%2Fb")]
    public async Task Get_NameBreakingTheGrammar_Is400InvalidRequest(string url)
    {
        var message = await Host.CallExpectingError("GET", url, null, 400, "invalid_request");
        Assert.Contains("policy name", message);
    }
}
