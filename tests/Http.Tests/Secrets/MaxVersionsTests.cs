using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Secrets;

/// <summary>options.max_versions on writes: the oldest versions beyond the limit are destroyed in the same write.</summary>
public sealed class MaxVersionsTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Path = "apps/billing/db";
    private const string Url = "/v1/secrets/" + Path;

    private Task Write(int n, string options = "") =>
        Host.Put(Path, $$"""{"data": {"n": "{{n}}"}{{(options.Length > 0 ? ", \"options\": " + options : "")}}}""");

    private async Task<string[]> States() =>
        [.. (await Host.GetJson("/v1/metadata/" + Path))["versions"]!.AsArray().Select(v => v!["state"].Str())];

    private async Task<string> ReadN(int version) => (await Host.GetJson($"{Url}?version={version}"))["data"]!["n"].Str();

    [Fact]
    public async Task Write_BeyondMaxVersions_DestroysTheOldest()
    {
        await Write(1, """{"max_versions": 2}""");
        await Write(2);
        Assert.Equal(["active", "active"], await States());

        await Write(3);

        await Host.CallExpectingError("GET", Url + "?version=1", null, 410, "version_destroyed");
        Assert.Equal("2", await ReadN(2));
        Assert.Equal("3", await ReadN(3));
        Assert.Equal(["destroyed", "active", "active"], await States());
    }

    [Fact]
    public async Task Write_ManyBeyondMaxVersions_KeepsOnlyTheNewest()
    {
        await Write(1, """{"max_versions": 3}""");
        for (var i = 2; i <= 7; i++) await Write(i);

        for (var i = 1; i <= 4; i++)
            await Host.CallExpectingError("GET", $"{Url}?version={i}", null, 410, "version_destroyed");
        for (var i = 5; i <= 7; i++) Assert.Equal(i.ToString(), await ReadN(i));
        Assert.Equal(["destroyed", "destroyed", "destroyed", "destroyed", "active", "active", "active"], await States());
    }

    [Fact]
    public async Task Write_MaxVersionsOne_KeepsOnlyTheCurrentVersion()
    {
        await Write(1, """{"max_versions": 1}""");
        await Write(2);

        await Host.CallExpectingError("GET", Url + "?version=1", null, 410, "version_destroyed");
        Assert.Equal("2", (await Host.GetJson(Url))["data"]!["n"].Str());
    }

    [Fact]
    public async Task Write_MaxVersionsZero_KeepsEveryVersion()
    {
        await Write(1, """{"max_versions": 0}""");
        for (var i = 2; i <= 6; i++) await Write(i);

        for (var i = 1; i <= 6; i++) Assert.Equal(i.ToString(), await ReadN(i));
        Assert.All(await States(), s => Assert.Equal("active", s));
    }

    [Fact]
    public async Task Write_WithoutOptions_KeepsTheSettingOfTheSecret()
    {
        await Write(1, """{"max_versions": 2}""");
        await Write(2, """{"max_versions": null}""");
        await Write(3);

        Assert.Equal(2, (await Host.GetJson("/v1/metadata/" + Path))["max_versions"].Int());
        Assert.Equal(["destroyed", "active", "active"], await States());
    }

    [Fact]
    public async Task Write_SettingMaxVersionsLater_PrunesInTheSameWrite()
    {
        for (var i = 1; i <= 4; i++) await Write(i);
        await Write(5, """{"max_versions": 2}""");

        Assert.Equal(["destroyed", "destroyed", "destroyed", "active", "active"], await States());
        await Host.CallExpectingError("GET", Url + "?version=3", null, 410, "version_destroyed");
        Assert.Equal("4", await ReadN(4));
    }

    [Fact]
    public async Task Write_SettingMaxVersionsToZero_StopsPruning()
    {
        await Write(1, """{"max_versions": 1}""");
        await Write(2);
        Assert.Equal(["destroyed", "active"], await States());

        await Write(3, """{"max_versions": 0}""");
        await Write(4);

        Assert.Equal(0, (await Host.GetJson("/v1/metadata/" + Path))["max_versions"].Int());
        Assert.Equal(["destroyed", "active", "active", "active"], await States());
        Assert.Equal("2", await ReadN(2));
    }

    [Fact]
    public async Task Write_SoftDeletedVersionsAreKeptVersions_AndCountTowardsTheLimit()
    {
        await Write(1, """{"max_versions": 2}""");
        await Write(2);
        await Host.Post("delete", Path, """{"versions": [2]}""");
        await Write(3);

        Assert.Equal(["destroyed", "deleted", "active"], await States());
        await Host.Post("undelete", Path, """{"versions": [2]}""");
        Assert.Equal("2", await ReadN(2));
    }

    [Fact]
    public async Task Write_DestroyedVersionsDoNotCountTowardsTheLimit()
    {
        await Write(1, """{"max_versions": 2}""");
        await Write(2);
        await Host.Post("destroy", Path, """{"versions": [2]}""");
        await Write(3);

        Assert.Equal(["active", "destroyed", "active"], await States());
        Assert.Equal("1", await ReadN(1));
    }

    [Fact]
    public async Task Undelete_VersionPrunedByMaxVersions_Is409VersionDestroyed()
    {
        await Write(1, """{"max_versions": 1}""");
        await Write(2);
        await Host.CallExpectingError("POST", "/v1/undelete/" + Path, """{"versions": [1]}""", 409, "version_destroyed");
    }

    [Fact]
    public async Task MaxVersions_AppliesPerSecret()
    {
        await Host.Put("apps/a", """{"data": {"n": "1"}, "options": {"max_versions": 1}}""");
        await Host.Put("apps/b", """{"data": {"n": "1"}}""");
        await Host.Put("apps/a", """{"data": {"n": "2"}}""");
        await Host.Put("apps/b", """{"data": {"n": "2"}}""");

        await Host.CallExpectingError("GET", "/v1/secrets/apps/a?version=1", null, 410, "version_destroyed");
        Assert.Equal("1", (await Host.GetJson("/v1/secrets/apps/b?version=1"))["data"]!["n"].Str());
    }
}
