using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;
using static ScaiVault.Http.Tests.Policies.PoliciesApi;

namespace ScaiVault.Http.Tests.Policies;

/// <summary>GET /v1/policies: name order, pagination with limit and cursor, removed policies left out.</summary>
public sealed class ListPoliciesTests(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task List_Empty_AnswersAnEmptyPage()
    {
        var list = await Host.GetJson("/v1/policies");
        Assert.Equal(["policies", "next_cursor"], list.Keys());
        Assert.Empty(list["policies"]!.AsArray());
        Assert.Null(list["next_cursor"]);
    }

    [Fact]
    public async Task List_ListsWholePoliciesInNameOrder()
    {
        foreach (var name in new[] { "c", "a", "b-2", "b.1" }) await Host.CreatePolicy(name);
        await Host.Bind("a", "group:billing");

        var list = await Host.GetJson("/v1/policies");
        Assert.Equal(["a", "b-2", "b.1", "c"], Names(list));
        var first = list["policies"]![0]!;
        Assert.Equal(["group:billing"], Strings(first["bindings"]));
        Assert.Equal("apps/billing/**", first["rules"]![0]!["path"].Str());
        Assert.Null(list["next_cursor"]);
    }

    [Fact]
    public async Task List_RemovedPolicy_IsLeftOut()
    {
        await Host.CreatePolicy("keep");
        await Host.CreatePolicy("gone");
        await Host.Call("DELETE", "/v1/policies/gone", status: 204);

        Assert.Equal(["keep"], Names(await Host.GetJson("/v1/policies")));
    }

    [Fact]
    public async Task List_WithLimit_PagesThroughEverythingOnce()
    {
        var names = Enumerable.Range(1, 7).Select(i => $"p{i:00}").ToArray();
        foreach (var name in names.Reverse()) await Host.CreatePolicy(name);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Host.GetJson("/v1/policies?limit=3" + (cursor is null ? "" : "&cursor=" + cursor));
            var pageNames = Names(page);
            Assert.True(pageNames.Length <= 3);
            seen.AddRange(pageNames);
            cursor = page["next_cursor"]?.GetValue<string>();
            pages++;
        } while (cursor is not null);

        Assert.Equal(names, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task List_LimitEqualToTheCount_HasNoNextCursor()
    {
        await Host.CreatePolicy("a");
        await Host.CreatePolicy("b");
        var page = await Host.GetJson("/v1/policies?limit=2");
        Assert.Equal(["a", "b"], Names(page));
        Assert.Null(page["next_cursor"]);
    }

    [Fact]
    public async Task List_DoesNotShowSecrets_AndSecretListsDoNotShowPolicies()
    {
        await Host.CreatePolicy("apps");
        await Host.Put("apps/x", """{"data": {"k": "v"}}""");
        await Host.Put("policy/apps", """{"data": {"k": "v"}}""");

        Assert.Equal(["apps"], Names(await Host.GetJson("/v1/policies")));
        var secrets = await Host.GetJson("/v1/secrets");
        Assert.Equal(["apps/x", "policy/apps"], secrets["secrets"]!.AsArray().Select(s => s!["path"].Str()));
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=1001")]
    [InlineData("?limit=-1")]
    [InlineData("?limit=ten")]
    public async Task List_BadLimit_Is400InvalidRequest(string query)
    {
        var message = await Host.CallExpectingError("GET", "/v1/policies" + query, null, 400, "invalid_request");
        Assert.Contains("limit", message);
    }

    [Theory]
    [InlineData("?cursor=!!!")]
    [InlineData("?cursor=YSBi")] // "a b": decodes, but is no policy name
    public async Task List_ForeignCursor_Is400InvalidCursor(string query) =>
        await Host.CallExpectingError("GET", "/v1/policies" + query, null, 400, "invalid_cursor");
}
