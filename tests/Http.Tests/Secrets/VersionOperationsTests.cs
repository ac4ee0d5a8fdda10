using ScaiVault.Http.Tests.Infrastructure;
using static ScaiVault.Http.Tests.Secrets.SecretsApi;

namespace ScaiVault.Http.Tests.Secrets;

/// <summary>POST /v1/delete, /v1/undelete, /v1/destroy and DELETE /v1/secrets/{path}.</summary>
public sealed class VersionOperationsTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Path = "apps/billing/db";
    private const string Url = "/v1/secrets/" + Path;

    private async Task WriteVersions(int count)
    {
        for (var i = 1; i <= count; i++) await Host.Put(Path, $$$"""{"data": {"n": "{{{i}}}"}}""");
    }

    private async Task<string[]> States() =>
        [.. (await Host.GetJson("/v1/metadata/" + Path))["versions"]!.AsArray().Select(v => v!["state"].Str())];

    private async Task<string> ReadN(int version) => (await Host.GetJson($"{Url}?version={version}"))["data"]!["n"].Str();

    // ---- soft delete ---------------------------------------------------------------------------------

    [Fact]
    public async Task SoftDelete_NamedVersions_HidesExactlyThoseVersions()
    {
        await WriteVersions(3);
        await Host.Post("delete", Path, """{"versions": [1, 2]}""");

        await Host.CallExpectingError("GET", Url + "?version=1", null, 404, "version_deleted");
        await Host.CallExpectingError("GET", Url + "?version=2", null, 404, "version_deleted");
        Assert.Equal("3", (await Host.GetJson(Url))["data"]!["n"].Str());
        Assert.Equal(["deleted", "deleted", "active"], await States());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    [InlineData("""{"versions": null}""")]
    [InlineData("""{"versions": []}""")]
    public async Task SoftDelete_WithoutVersions_DeletesTheCurrentVersion(string? body)
    {
        await WriteVersions(2);
        await Host.Post("delete", Path, body);

        await Host.CallExpectingError("GET", Url, null, 404, "version_deleted");
        Assert.Equal("1", await ReadN(1));
        Assert.Equal(["active", "deleted"], await States());
    }

    [Fact]
    public async Task SoftDelete_Repeated_Answers204AndChangesNothing()
    {
        await WriteVersions(2);
        await Host.Post("delete", Path, """{"versions": [1]}""");
        var before = (await Host.GetJson("/v1/metadata/" + Path)).ToJsonString();

        await Host.Post("delete", Path, """{"versions": [1]}""");
        Assert.Equal(before, (await Host.GetJson("/v1/metadata/" + Path)).ToJsonString());
    }

    [Fact]
    public async Task SoftDelete_DestroyedVersion_Answers204AndItStaysDestroyed()
    {
        await WriteVersions(2);
        await Host.Post("destroy", Path, """{"versions": [1]}""");
        await Host.Post("delete", Path, """{"versions": [1]}""");

        Assert.Equal(["destroyed", "active"], await States());
        await Host.CallExpectingError("GET", Url + "?version=1", null, 410, "version_destroyed");
    }

    [Fact]
    public async Task SoftDelete_DuplicateVersionsInTheList_AreOneOperation()
    {
        await WriteVersions(2);
        await Host.Post("delete", Path, """{"versions": [1, 1, 1]}""");
        Assert.Equal(["deleted", "active"], await States());
    }

    // ---- undelete ------------------------------------------------------------------------------------

    [Fact]
    public async Task Undelete_SoftDeletedVersion_MakesItReadableAgain()
    {
        await WriteVersions(3);
        await Host.Post("delete", Path, """{"versions": [1, 2]}""");
        await Host.Post("undelete", Path, """{"versions": [1]}""");

        Assert.Equal("1", await ReadN(1));
        await Host.CallExpectingError("GET", Url + "?version=2", null, 404, "version_deleted");
        Assert.Equal(["active", "deleted", "active"], await States());
    }

    [Fact]
    public async Task Undelete_WithoutBody_RestoresTheCurrentVersion()
    {
        await WriteVersions(2);
        await Host.Post("delete", Path);
        await Host.Post("undelete", Path);

        var read = await Host.GetJson(Url);
        Assert.Equal(2, read["version"].Int());
        Assert.Equal("2", read["data"]!["n"].Str());
    }

    [Fact]
    public async Task Undelete_ActiveVersionOrRepeated_Answers204AndChangesNothing()
    {
        await WriteVersions(2);
        var before = (await Host.GetJson("/v1/metadata/" + Path)).ToJsonString();
        await Host.Post("undelete", Path, """{"versions": [1, 2]}""");
        await Host.Post("undelete", Path, """{"versions": [1, 2]}""");
        Assert.Equal(before, (await Host.GetJson("/v1/metadata/" + Path)).ToJsonString());
    }

    [Fact]
    public async Task Undelete_DestroyedVersion_Is409VersionDestroyed()
    {
        await WriteVersions(2);
        await Host.Post("destroy", Path, """{"versions": [1]}""");

        var message = await Host.CallExpectingError("POST", "/v1/undelete/" + Path, """{"versions": [1]}""", 409, "version_destroyed");
        Assert.Contains("1", message);
        await Host.CallExpectingError("GET", Url + "?version=1", null, 410, "version_destroyed");
    }

    [Fact]
    public async Task Undelete_MixOfDeletedAndDestroyed_Is409AndRestoresNothing()
    {
        await WriteVersions(3);
        await Host.Post("delete", Path, """{"versions": [1]}""");
        await Host.Post("destroy", Path, """{"versions": [2]}""");

        await Host.CallExpectingError("POST", "/v1/undelete/" + Path, """{"versions": [1, 2]}""", 409, "version_destroyed");
        Assert.Equal(["deleted", "destroyed", "active"], await States());
        await Host.CallExpectingError("GET", Url + "?version=1", null, 404, "version_deleted");
    }

    // ---- destroy -------------------------------------------------------------------------------------

    [Fact]
    public async Task Destroy_NamedVersions_MakesThemGoneForGood()
    {
        await WriteVersions(3);
        await Host.Post("destroy", Path, """{"versions": [1, 2]}""");

        await Host.CallExpectingError("GET", Url + "?version=1", null, 410, "version_destroyed");
        await Host.CallExpectingError("GET", Url + "?version=2", null, 410, "version_destroyed");
        Assert.Equal("3", await ReadN(3));
        Assert.Equal(["destroyed", "destroyed", "active"], await States());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    public async Task Destroy_WithoutVersions_DestroysTheCurrentVersion(string? body)
    {
        await WriteVersions(2);
        await Host.Post("destroy", Path, body);

        await Host.CallExpectingError("GET", Url, null, 410, "version_destroyed");
        Assert.Equal("1", await ReadN(1));
        Assert.Equal(["active", "destroyed"], await States());
    }

    [Fact]
    public async Task Destroy_SoftDeletedVersion_DestroysIt()
    {
        await WriteVersions(2);
        await Host.Post("delete", Path, """{"versions": [1]}""");
        await Host.Post("destroy", Path, """{"versions": [1]}""");

        await Host.CallExpectingError("GET", Url + "?version=1", null, 410, "version_destroyed");
        await Host.CallExpectingError("POST", "/v1/undelete/" + Path, """{"versions": [1]}""", 409, "version_destroyed");
    }

    [Fact]
    public async Task Destroy_Repeated_Answers204AndChangesNothing()
    {
        await WriteVersions(2);
        await Host.Post("destroy", Path, """{"versions": [1]}""");
        var before = (await Host.GetJson("/v1/metadata/" + Path)).ToJsonString();

        await Host.Post("destroy", Path, """{"versions": [1]}""");
        Assert.Equal(before, (await Host.GetJson("/v1/metadata/" + Path)).ToJsonString());
    }

    [Fact]
    public async Task Destroy_CurrentVersion_ThenANewWriteIsReadable()
    {
        await WriteVersions(1);
        await Host.Post("destroy", Path);
        var answer = await Host.Put(Path, """{"data": {"n": "2"}, "options": {"cas": 1}}""");

        Assert.Equal(2, answer["version"].Int());
        Assert.Equal("2", (await Host.GetJson(Url))["data"]!["n"].Str());
    }

    // ---- errors shared by the three operations -------------------------------------------------------

    [Theory]
    [InlineData("delete", "[3]")]
    [InlineData("delete", "[0]")]
    [InlineData("delete", "[1, 99]")]
    [InlineData("undelete", "[3]")]
    [InlineData("undelete", "[-1]")]
    [InlineData("destroy", "[3]")]
    [InlineData("destroy", "[1, 3]")]
    public async Task Operation_VersionThatNeverExisted_Is400UnknownVersionAndChangesNothing(string operation, string versions)
    {
        await WriteVersions(2);
        var message = await Host.CallExpectingError("POST", $"/v1/{operation}/{Path}", $$"""{"versions": {{versions}}}""", 400, "unknown_version");
        Assert.Contains("current version is 2", message);
        Assert.Equal(["active", "active"], await States());
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("undelete")]
    [InlineData("destroy")]
    public async Task Operation_NothingAtPath_Is404SecretNotFound(string operation)
    {
        await Host.Put("apps/billing/other", """{"data": {}}""");
        await Host.CallExpectingError("POST", $"/v1/{operation}/{Path}", """{"versions": [1]}""", 404, "secret_not_found");
        await Host.CallExpectingError("POST", $"/v1/{operation}/{Path}", null, 404, "secret_not_found");
    }

    [Theory]
    [InlineData("delete", """{"versions": "1"}""", "versions")]
    [InlineData("delete", """{"versions": ["1"]}""", "versions")]
    [InlineData("undelete", """{"versions": [1.5]}""", "versions")]
    [InlineData("destroy", """{"versions": {"v": 1}}""", "versions")]
    [InlineData("destroy", """{"version": [1]}""", "version")]
    [InlineData("delete", """{"versions": [1], "force": true}""", "force")]
    public async Task Operation_MalformedVersions_Is400InvalidRequestAndChangesNothing(string operation, string body, string named)
    {
        await WriteVersions(2);
        var message = await Host.CallExpectingError("POST", $"/v1/{operation}/{Path}", body, 400, "invalid_request");
        Assert.Contains(named, message);
        Assert.Equal(["active", "active"], await States());
    }

    [Theory]
    [InlineData("delete", "not json")]
    [InlineData("undelete", "[1]")]
    [InlineData("destroy", """{"versions": [1], "versions": [2]}""")]
    public async Task Operation_BodyThatIsNotOneJsonObject_Is400InvalidJson(string operation, string body)
    {
        await WriteVersions(2);
        await Host.CallExpectingError("POST", $"/v1/{operation}/{Path}", body, 400, "invalid_json");
        Assert.Equal(["active", "active"], await States());
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("undelete")]
    [InlineData("destroy")]
    public async Task Operation_InvalidPath_Is400InvalidPath(string operation)
    {
        await Host.CallExpectingError("POST", $"/v1/{operation}/a/../b", null, 400, "invalid_path");
    }

    // ---- delete the whole secret ---------------------------------------------------------------------

    [Fact]
    public async Task DeleteSecret_Answers204AndTheSecretIsGoneEverywhere()
    {
        await WriteVersions(2);
        await Host.Call("DELETE", Url, status: 204);

        await Host.CallExpectingError("GET", Url, null, 404, "secret_not_found");
        await Host.CallExpectingError("GET", "/v1/metadata/" + Path, null, 404, "secret_not_found");
        Assert.Empty((await Host.GetJson("/v1/secrets"))["secrets"]!.AsArray());
        await Host.CallExpectingError("POST", "/v1/undelete/" + Path, """{"versions": [1]}""", 404, "secret_not_found");
    }

    [Fact]
    public async Task DeleteSecret_ThenWriteWithCas0_SucceedsAndContinuesVersionNumbers()
    {
        await Host.Put(Path, """{"data": {"n": "1"}, "metadata": {"owner": "o", "team": "t"}, "options": {"max_versions": 5}}""");
        await Host.Put(Path, """{"data": {"n": "2"}}""");
        await Host.Call("DELETE", Url, status: 204);

        var answer = await Host.Put(Path, """{"data": {"n": "3"}, "options": {"cas": 0}}""");
        Assert.Equal(3, answer["version"].Int());

        var read = await Host.GetJson(Url);
        Assert.Equal(3, read["version"].Int());
        Assert.Equal("3", read["data"]!["n"].Str());
        // metadata was cleared with the secret
        Assert.Null(read["metadata"]!["owner"]);
        Assert.Equal(["tags", "description", "owner"], read["metadata"].Keys());

        var metadata = await Host.GetJson("/v1/metadata/" + Path);
        Assert.Equal(0, metadata["max_versions"].Int());
        Assert.Equal(3, metadata["current_version"].Int());
        Assert.Equal([3], metadata["versions"]!.AsArray().Select(v => v!["version"].Int()));
        Assert.Equal(answer["created_at"].Str(), metadata["created_at"].Str());
    }

    [Fact]
    public async Task DeleteSecret_VersionsOfThePreviousLife_AreDestroyed()
    {
        await WriteVersions(2);
        await Host.Call("DELETE", Url, status: 204);
        await Host.Put(Path, """{"data": {"n": "3"}}""");

        await Host.CallExpectingError("GET", Url + "?version=1", null, 410, "version_destroyed");
        await Host.CallExpectingError("GET", Url + "?version=2", null, 410, "version_destroyed");
        await Host.CallExpectingError("POST", "/v1/undelete/" + Path, """{"versions": [1]}""", 409, "version_destroyed");
    }

    [Fact]
    public async Task DeleteSecret_ThenWriteWithOldCas_Is409CasMismatch()
    {
        await WriteVersions(2);
        await Host.Call("DELETE", Url, status: 204);

        await Host.CallExpectingError("PUT", Url, """{"data": {"n": "x"}, "options": {"cas": 2}}""", 409, "cas_mismatch");
        await Host.CallExpectingError("GET", Url, null, 404, "secret_not_found");
    }

    [Fact]
    public async Task DeleteSecret_ThenWriteWithoutCas_ContinuesVersionNumbers()
    {
        await WriteVersions(3);
        await Host.Call("DELETE", Url, status: 204);
        Assert.Equal(4, (await Host.Put(Path, """{"data": {"n": "4"}}"""))["version"].Int());
        Assert.Equal(5, (await Host.Put(Path, """{"data": {"n": "5"}}"""))["version"].Int());
        Assert.Equal("4", await ReadN(4));
    }

    [Fact]
    public async Task DeleteSecret_Repeated_Answers204()
    {
        await WriteVersions(1);
        await Host.Call("DELETE", Url, status: 204);
        await Host.Call("DELETE", Url, status: 204);
        await Host.CallExpectingError("GET", Url, null, 404, "secret_not_found");
    }

    [Fact]
    public async Task DeleteSecret_NothingEverAtPath_Is404SecretNotFound()
    {
        await Host.CallExpectingError("DELETE", Url, null, 404, "secret_not_found");
    }

    [Fact]
    public async Task DeleteSecret_LeavesOtherSecretsAlone()
    {
        await Host.Put(Path, """{"data": {"n": "1"}}""");
        await Host.Put(Path + "/child", """{"data": {"n": "child"}}""");
        await Host.Put("apps/billing/dbx", """{"data": {"n": "sibling"}}""");
        await Host.Call("DELETE", Url, status: 204);

        Assert.Equal("child", (await Host.GetJson(Url + "/child"))["data"]!["n"].Str());
        Assert.Equal("sibling", (await Host.GetJson("/v1/secrets/apps/billing/dbx"))["data"]!["n"].Str());
    }

    [Fact]
    public async Task DeleteSecret_InvalidPath_Is400InvalidPath()
    {
        await Host.CallExpectingError("DELETE", "/v1/secrets/a/./b", null, 400, "invalid_path");
    }

    [Fact]
    public async Task Operations_AnswerWithoutABody()
    {
        await WriteVersions(2);
        foreach (var (method, url) in new[] { ("POST", "/v1/delete/" + Path), ("POST", "/v1/undelete/" + Path), ("POST", "/v1/destroy/" + Path), ("DELETE", Url) })
        {
            var result = await Host.Call(method, url, status: 204);
            Assert.Equal("", await result.ReadAsTextAsync());
        }
    }
}
