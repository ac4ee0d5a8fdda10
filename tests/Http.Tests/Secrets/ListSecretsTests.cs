using System.Text;
using System.Text.Json.Nodes;
using ScaiVault.Http.Tests.Infrastructure;
using static ScaiVault.Http.Tests.Secrets.SecretsApi;

namespace ScaiVault.Http.Tests.Secrets;

/// <summary>GET /v1/secrets?prefix=&amp;limit=&amp;cursor=: whole-segment prefixes, path order, pagination, never values.</summary>
public sealed class ListSecretsTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private async Task Seed(params string[] paths)
    {
        foreach (var path in paths) await Host.Put(path, """{"data": {"k": "v"}}""");
    }

    private static string[] Paths(JsonNode list) => [.. list["secrets"]!.AsArray().Select(s => s!["path"].Str())];

    [Fact]
    public async Task List_Prefix_ListsOnlyPathsUnderWholeSegments()
    {
        await Seed("apps/billing/db", "apps/billing/api/key", "apps/billingx/db", "apps/billing", "apps/bill/db", "other/apps/billing/x");

        var list = await Host.GetJson("/v1/secrets?prefix=apps/billing");
        Assert.Equal("apps/billing/", list["prefix"].Str());
        Assert.Equal(["apps/billing/api/key", "apps/billing/db"], Paths(list));
        Assert.Null(list["next_cursor"]);
    }

    [Fact]
    public async Task List_PrefixWithTrailingSlash_ListsTheSameAsWithout()
    {
        await Seed("apps/billing/db", "apps/billingx/db");

        var list = await Host.GetJson("/v1/secrets?prefix=apps/billing/");
        Assert.Equal("apps/billing/", list["prefix"].Str());
        Assert.Equal(["apps/billing/db"], Paths(list));
    }

    [Fact]
    public async Task List_PrefixWithUnderscore_MatchesItLiterallyNotAsAWildcard()
    {
        await Seed("team_a/x", "teamXa/y", "team_ab/z", "team_a/sub/w", "team__a/v");

        var list = await Host.GetJson("/v1/secrets?prefix=team_a");
        Assert.Equal(["team_a/sub/w", "team_a/x"], Paths(list));
    }

    [Fact]
    public async Task List_PrefixOfOneCharacterSegment_DoesNotMatchOtherSingleCharacters()
    {
        // "_" is one character: as a LIKE pattern it would match "a/x" and "b/x" too
        await Seed("_/x", "a/x", "b/x");

        var list = await Host.GetJson("/v1/secrets?prefix=_");
        Assert.Equal(["_/x"], Paths(list));
    }

    [Fact]
    public async Task List_WithoutPrefix_ListsEverythingInPathOrder()
    {
        await Seed("c/1", "a/2", "b/1", "a/1", "a1", "A/1");

        var list = await Host.GetJson("/v1/secrets");
        Assert.Equal("", list["prefix"].Str());
        Assert.Equal(["A/1", "a/1", "a/2", "a1", "b/1", "c/1"], Paths(list));
        Assert.Null(list["next_cursor"]);
    }

    [Fact]
    public async Task List_PrefixMatchingNothing_AnswersAnEmptyPage()
    {
        await Seed("apps/billing/db");

        var list = await Host.GetJson("/v1/secrets?prefix=apps/payroll");
        Assert.Empty(list["secrets"]!.AsArray());
        Assert.Null(list["next_cursor"]);
    }

    [Fact]
    public async Task List_EmptyStore_AnswersAnEmptyPage()
    {
        var list = await Host.GetJson("/v1/secrets");
        Assert.Equal(["prefix", "secrets", "proxied", "next_cursor"], list.Keys());
        Assert.Empty(list["proxied"]!.AsArray());
        Assert.Empty(list["secrets"]!.AsArray());
        Assert.Null(list["next_cursor"]);
    }

    [Fact]
    public async Task List_Items_CarryPathVersionTypeAndUpdatedAtButNeverValues()
    {
        await Host.Put("apps/billing/db", """{"data": {"password": "SUPER-SECRET-VALUE-1"}, "metadata": {"owner": "o"}}""");
        await Host.Put("apps/billing/db", """{"data": {"password": "SUPER-SECRET-VALUE-2"}}""");
        await Host.Put("apps/billing/token", """{"data": "SUPER-SECRET-VALUE-3", "secret_type": "string"}""");

        var result = await Host.Call("GET", "/v1/secrets?prefix=apps");
        var text = await result.ReadAsTextAsync();
        Assert.DoesNotContain("SUPER-SECRET-VALUE", text);
        Assert.DoesNotContain("\"data\"", text);

        var items = JsonNode.Parse(text)!["secrets"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.Equal(["path", "current_version", "secret_type", "updated_at"], items[0].Keys());
        Assert.Equal("apps/billing/db", items[0]!["path"].Str());
        Assert.Equal(2, items[0]!["current_version"].Int());
        Assert.Equal("json", items[0]!["secret_type"].Str());
        AssertTime(items[0]!["updated_at"]);
        Assert.Equal("apps/billing/token", items[1]!["path"].Str());
        Assert.Equal(1, items[1]!["current_version"].Int());
        Assert.Equal("string", items[1]!["secret_type"].Str());
    }

    [Fact]
    public async Task List_Pagination_WalksEveryPathOnceInOrderAndEndsWithNullCursor()
    {
        var paths = Enumerable.Range(1, 8).Select(i => $"apps/p_{i:00}").ToArray();
        await Seed([.. paths.Reverse()]);
        await Seed("apps_other/x", "zzz/after");

        var seen = new List<string>();
        var pages = new List<int>();
        string? cursor = null;
        do
        {
            var url = "/v1/secrets?prefix=apps&limit=3" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await Host.GetJson(url);
            var items = Paths(page);
            pages.Add(items.Length);
            seen.AddRange(items);
            cursor = page["next_cursor"]?.GetValue<string>();
            Assert.True(pages.Count <= 4, "the pagination never ended");
        } while (cursor is not null);

        Assert.Equal([3, 3, 2], pages);
        Assert.Equal(paths, seen);
    }

    [Fact]
    public async Task List_LastPageExactlyFull_HasNullCursor()
    {
        await Seed("s/1", "s/2", "s/3", "s/4");

        var first = await Host.GetJson("/v1/secrets?limit=2");
        Assert.Equal(["s/1", "s/2"], Paths(first));
        var cursor = first["next_cursor"].Str();
        Assert.False(string.IsNullOrEmpty(cursor));

        var second = await Host.GetJson("/v1/secrets?limit=2&cursor=" + Uri.EscapeDataString(cursor));
        Assert.Equal(["s/3", "s/4"], Paths(second));
        Assert.Null(second["next_cursor"]);
    }

    [Fact]
    public async Task List_LimitOneAndLimitOneThousand_AreAccepted()
    {
        await Seed("s/1", "s/2");

        var one = await Host.GetJson("/v1/secrets?limit=1");
        Assert.Equal(["s/1"], Paths(one));
        Assert.NotNull(one["next_cursor"]);

        var thousand = await Host.GetJson("/v1/secrets?limit=1000");
        Assert.Equal(["s/1", "s/2"], Paths(thousand));
        Assert.Null(thousand["next_cursor"]);
    }

    [Fact]
    public async Task List_WithoutLimit_Answers100PerPage()
    {
        for (var i = 0; i < 101; i++) await Host.Put($"bulk/s{i:000}", """{"data": {}}""");

        var first = await Host.GetJson("/v1/secrets?prefix=bulk");
        Assert.Equal(100, first["secrets"]!.AsArray().Count);
        Assert.Equal("bulk/s099", first["secrets"]![99]!["path"].Str());

        var second = await Host.GetJson("/v1/secrets?prefix=bulk&cursor=" + Uri.EscapeDataString(first["next_cursor"].Str()));
        Assert.Equal(["bulk/s100"], Paths(second));
        Assert.Null(second["next_cursor"]);
    }

    [Fact]
    public async Task List_CursorWithAnotherPrefix_StaysUnderTheRequestedPrefix()
    {
        await Seed("a/1", "a/2", "b/1", "b/2");

        var first = await Host.GetJson("/v1/secrets?prefix=a&limit=1");
        var cursor = first["next_cursor"].Str();

        var page = await Host.GetJson("/v1/secrets?prefix=b&cursor=" + Uri.EscapeDataString(cursor));
        Assert.Equal(["b/1", "b/2"], Paths(page));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData("1.5")]
    [InlineData("")]
    public async Task List_LimitOutOfRangeOrNotANumber_Is400InvalidRequestNamingLimit(string limit)
    {
        var message = await Host.CallExpectingError("GET", "/v1/secrets?limit=" + limit, null, 400, "invalid_request");
        Assert.Contains("limit", message);
    }

    public static TheoryData<string> ForeignCursors() => new()
    {
        "!!!",
        "not a cursor",
        System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes("../etc/passwd")),
        System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes("a//b")),
        System.Buffers.Text.Base64Url.EncodeToString([0xff, 0xfe, 0x00]),
    };

    [Theory]
    [MemberData(nameof(ForeignCursors))]
    public async Task List_CursorNotHandedOutByTheService_Is400InvalidCursor(string cursor)
    {
        await Seed("s/1");
        await Host.CallExpectingError("GET", "/v1/secrets?cursor=" + Uri.EscapeDataString(cursor), null, 400, "invalid_cursor");
    }

    [Theory]
    [InlineData("a/../b")]
    [InlineData("a//b")]
    [InlineData("a%25")]
    [InlineData("%C3%A9")]
    public async Task List_PrefixBreakingThePathGrammar_Is400InvalidPath(string prefix)
    {
        await Host.CallExpectingError("GET", "/v1/secrets?prefix=" + prefix, null, 400, "invalid_path");
    }

    [Fact]
    public async Task List_WholeSecretDeleted_IsNotListed()
    {
        await Seed("s/1", "s/2", "s/3");
        await Host.Call("DELETE", "/v1/secrets/s/2", status: 204);

        var list = await Host.GetJson("/v1/secrets");
        Assert.Equal(["s/1", "s/3"], Paths(list));
    }

    [Fact]
    public async Task List_DeletedSecretWrittenAgain_IsListedWithContinuedVersion()
    {
        await Seed("s/1");
        await Host.Put("s/1", """{"data": {"k": "v2"}}""");
        await Host.Call("DELETE", "/v1/secrets/s/1", status: 204);
        await Host.Put("s/1", """{"data": {"k": "v3"}, "secret_type": "json"}""");

        var items = (await Host.GetJson("/v1/secrets"))["secrets"]!.AsArray();
        var item = Assert.Single(items);
        Assert.Equal("s/1", item!["path"].Str());
        Assert.Equal(3, item["current_version"].Int());
    }

    [Fact]
    public async Task List_DeletedSecretsBetweenPages_AreSkipped()
    {
        await Seed("s/1", "s/2", "s/3", "s/4", "s/5");
        var first = await Host.GetJson("/v1/secrets?limit=2");
        Assert.Equal(["s/1", "s/2"], Paths(first));

        await Host.Call("DELETE", "/v1/secrets/s/3", status: 204);
        var second = await Host.GetJson("/v1/secrets?limit=2&cursor=" + Uri.EscapeDataString(first["next_cursor"].Str()));
        Assert.Equal(["s/4", "s/5"], Paths(second));
        Assert.Null(second["next_cursor"]);
    }
}
