using System.Text.Json.Nodes;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Policies;

/// <summary>POST /v1/policies/{name}/bindings and DELETE /v1/policies/{name}/bindings/{subject}.</summary>
public sealed class BindPolicyTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private async Task<string[]> Bindings(string name) => PoliciesApi.Strings((await Host.GetJson($"/v1/policies/{name}"))["bindings"]);

    [Fact]
    public async Task Bind_Subjects_Answers204_AndTheyAppearSorted()
    {
        await Host.CreatePolicy("p");
        var result = await Host.Call("POST", "/v1/policies/p/bindings", """{"subject": "identity:sa:billing-prod"}""", 204);
        Assert.Equal("", await result.ReadAsTextAsync());
        await Host.Bind("p", "group:billing");
        await Host.Bind("p", "identity:alice@example.com");

        Assert.Equal(["group:billing", "identity:alice@example.com", "identity:sa:billing-prod"], await Bindings("p"));
    }

    [Fact]
    public async Task Bind_Repeated_Answers204_AndBindsOnce()
    {
        await Host.CreatePolicy("p");
        await Host.Bind("p", "group:billing");
        var before = await Host.GetJson("/v1/policies/p");
        await Host.Bind("p", "group:billing");

        Assert.Equal(["group:billing"], await Bindings("p"));
        // no event: not even the update time moved
        Assert.Equal(before.ToJsonString(), (await Host.GetJson("/v1/policies/p")).ToJsonString());
    }

    [Fact]
    public async Task Bind_ConcurrentSubjects_AllLand()
    {
        await Host.CreatePolicy("p");
        var subjects = Enumerable.Range(0, 8).Select(i => $"group:g{i}").ToArray();
        await Task.WhenAll(subjects.Select(s => Host.Bind("p", s)));
        Assert.Equal(subjects, await Bindings("p"));
    }

    [Fact]
    public async Task Bind_UnknownPolicy_Is404() =>
        await Host.CallExpectingError("POST", "/v1/policies/nope/bindings", """{"subject": "group:billing"}""", 404, "policy_not_found");

    [Theory]
    [InlineData("""{}""", "subject is required")]
    [InlineData("""{"subject": 1}""", "subject must be a string")]
    [InlineData("""{"subject": "billing"}""", "subject must start with 'identity:' or 'group:'")]
    [InlineData("""{"subject": "user:alice"}""", "subject must start with")]
    [InlineData("""{"subject": "group:"}""", "subject names no identity or group")]
    [InlineData("""{"subject": "group:a/b"}""", "subject may hold only")]
    [InlineData("""{"subject": "identity:a b"}""", "subject may hold only")]
    [InlineData("""{"subject": "group:x", "role": "admin"}""", "'role' is not a field")]
    public async Task Bind_InvalidSubject_Is400NamingTheField(string body, string expected)
    {
        await Host.CreatePolicy("p");
        var message = await Host.CallExpectingError("POST", "/v1/policies/p/bindings", body, 400, "invalid_request");
        Assert.Contains(expected, message);
        Assert.Empty(await Bindings("p"));
    }

    [Fact]
    public async Task Bind_OverlongSubject_Is400()
    {
        await Host.CreatePolicy("p");
        var body = new JsonObject { ["subject"] = "group:" + new string('g', 257) }.ToJsonString();
        Assert.Contains("at most 256", await Host.CallExpectingError("POST", "/v1/policies/p/bindings", body, 400, "invalid_request"));
    }

    [Fact]
    public async Task Unbind_BoundSubject_Answers204_AndRemovesOnlyIt()
    {
        await Host.CreatePolicy("p");
        await Host.Bind("p", "group:billing");
        await Host.Bind("p", "identity:sa:billing-prod");

        await Host.Call("DELETE", "/v1/policies/p/bindings/identity:sa:billing-prod", status: 204);
        Assert.Equal(["group:billing"], await Bindings("p"));
    }

    [Fact]
    public async Task Unbind_PercentEncodedSubject_IsDecodedOnce()
    {
        await Host.CreatePolicy("p");
        await Host.Bind("p", "identity:alice@example.com");
        await Host.Call("DELETE", "/v1/policies/p/bindings/identity%3Aalice%40example.com", status: 204);
        Assert.Empty(await Bindings("p"));
    }

    [Fact]
    public async Task Unbind_NotBound_StillAnswers204()
    {
        await Host.CreatePolicy("p");
        await Host.Bind("p", "group:billing");
        await Host.Call("DELETE", "/v1/policies/p/bindings/group:other", status: 204);
        Assert.Equal(["group:billing"], await Bindings("p"));
    }

    [Fact]
    public async Task Unbind_UnknownPolicy_Is404() =>
        await Host.CallExpectingError("DELETE", "/v1/policies/nope/bindings/group:billing", null, 404, "policy_not_found");

    [Theory]
    [InlineData("/v1/policies/p/bindings/billing")]
    [InlineData("/v1/policies/p/bindings/group:")]
    [InlineData("/v1/policies/p/bindings/group:a%20b")]
    [InlineData("/v1/policies/p/bindings/group:a%2Fb")]
    public async Task Unbind_InvalidSubject_Is400(string url)
    {
        await Host.CreatePolicy("p");
        var message = await Host.CallExpectingError("DELETE", url, null, 400, "invalid_request");
        Assert.Contains("subject", message);
    }
}
