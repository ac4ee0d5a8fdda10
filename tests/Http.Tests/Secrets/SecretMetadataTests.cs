using System.Text.Json.Nodes;
using ScaiVault.Http.Tests.Infrastructure;
using static ScaiVault.Http.Tests.Secrets.SecretsApi;

namespace ScaiVault.Http.Tests.Secrets;

/// <summary>GET and PATCH /v1/metadata/{path}: history with states, merge semantics, max_versions.</summary>
public sealed class SecretMetadataTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Path = "apps/billing/db";
    private const string Url = "/v1/metadata/" + Path;

    private static JsonNode Version(JsonNode metadata, int version) =>
        metadata["versions"]!.AsArray().Single(v => v!["version"].Int() == version)!;

    private static string[] States(JsonNode metadata) => [.. metadata["versions"]!.AsArray().Select(v => v!["state"].Str())];

    // ---- GET -----------------------------------------------------------------------------------------

    [Fact]
    public async Task GetMetadata_AfterWrites_AnswersTheDocumentedShapeWithEveryVersionActive()
    {
        var first = await Host.Put(Path, """{"data": {"p": "VALUE-ONE"}, "metadata": {"tags": ["t"], "owner": "o"}, "options": {"max_versions": 10}}""");
        await Host.Put(Path, """{"data": "VALUE-TWO", "secret_type": "string"}""");
        var third = await Host.Put(Path, """{"data": "VkFMVUU=", "secret_type": "binary"}""");

        var result = await Host.Call("GET", Url);
        var text = await result.ReadAsTextAsync();
        Assert.DoesNotContain("VALUE-", text);
        Assert.DoesNotContain("VkFMVUU=", text);
        var metadata = JsonNode.Parse(text)!;

        Assert.Equal(["path", "current_version", "secret_type", "max_versions", "metadata", "created_at", "updated_at", "versions"], metadata.Keys());
        Assert.Equal(Path, metadata["path"].Str());
        Assert.Equal(3, metadata["current_version"].Int());
        Assert.Equal("binary", metadata["secret_type"].Str());
        Assert.Equal(10, metadata["max_versions"].Int());
        Assert.Equal(["t"], metadata["metadata"]!["tags"]!.AsArray().Select(t => t.Str()));
        Assert.Equal("o", metadata["metadata"]!["owner"].Str());
        Assert.Equal(first["created_at"].Str(), metadata["created_at"].Str());
        Assert.Equal(third["updated_at"].Str(), metadata["updated_at"].Str());

        var versions = metadata["versions"]!.AsArray();
        Assert.Equal([1, 2, 3], versions.Select(v => v!["version"].Int()));
        Assert.Equal(["json", "string", "binary"], versions.Select(v => v!["secret_type"].Str()));
        Assert.Equal(["active", "active", "active"], States(metadata));
        foreach (var v in versions)
        {
            Assert.Equal(["version", "secret_type", "state", "created_at", "created_by", "deleted_at", "destroyed_at"], v.Keys());
            Assert.Equal("root", v!["created_by"].Str());
            AssertTime(v["created_at"]);
            Assert.Null(v["deleted_at"]);
            Assert.Null(v["destroyed_at"]);
        }
        Assert.Equal(first["created_at"].Str(), versions[0]!["created_at"].Str());
    }

    [Fact]
    public async Task GetMetadata_AfterVersionOperations_ShowsActiveDeletedAndDestroyedStates()
    {
        for (var i = 1; i <= 3; i++) await Host.Put(Path, $$$"""{"data": {"n": "{{{i}}}"}}""");
        await Host.Post("destroy", Path, """{"versions": [1]}""");
        await Host.Post("delete", Path, """{"versions": [2]}""");

        var metadata = await Host.GetJson(Url);
        Assert.Equal(["destroyed", "deleted", "active"], States(metadata));

        var destroyed = Version(metadata, 1);
        Assert.Null(destroyed["deleted_at"]);
        AssertTime(destroyed["destroyed_at"]);
        var deleted = Version(metadata, 2);
        AssertTime(deleted["deleted_at"]);
        Assert.Null(deleted["destroyed_at"]);
        Assert.Equal(3, metadata["current_version"].Int());
    }

    [Fact]
    public async Task GetMetadata_AfterUndelete_ShowsTheVersionActiveAgain()
    {
        await Host.Put(Path, """{"data": {"n": "1"}}""");
        await Host.Post("delete", Path);
        Assert.Equal(["deleted"], States(await Host.GetJson(Url)));

        await Host.Post("undelete", Path);
        var metadata = await Host.GetJson(Url);
        Assert.Equal(["active"], States(metadata));
        Assert.Null(Version(metadata, 1)["deleted_at"]);
    }

    [Fact]
    public async Task GetMetadata_DeletedThenDestroyedVersion_ShowsDestroyed()
    {
        await Host.Put(Path, """{"data": {"n": "1"}}""");
        await Host.Put(Path, """{"data": {"n": "2"}}""");
        await Host.Post("delete", Path, """{"versions": [1]}""");
        await Host.Post("destroy", Path, """{"versions": [1]}""");

        var metadata = await Host.GetJson(Url);
        Assert.Equal(["destroyed", "active"], States(metadata));
        AssertTime(Version(metadata, 1)["destroyed_at"]);
    }

    [Fact]
    public async Task GetMetadata_NothingAtPath_Is404SecretNotFound()
    {
        await Host.Put("apps/billing/other", """{"data": {}}""");
        await Host.CallExpectingError("GET", Url, null, 404, "secret_not_found");
    }

    [Fact]
    public async Task GetMetadata_InvalidPath_Is400InvalidPath()
    {
        await Host.CallExpectingError("GET", "/v1/metadata/a//b", null, 400, "invalid_path");
    }

    // ---- PATCH ---------------------------------------------------------------------------------------

    [Fact]
    public async Task Patch_FieldsSentReplaceAndFieldsLeftOutStay()
    {
        await Host.Put(Path, """
            {"data": {"k": "v"}, "metadata": {"tags": ["a", "b"], "description": "d", "owner": "o", "team": "t", "env": "prod"}}
            """);

        var answer = await (await Host.Call("PATCH", Url, """{"metadata": {"owner": "o2", "env": "staging", "region": "eu"}}""")).Json();

        var metadata = answer["metadata"]!;
        Assert.Equal(["a", "b"], metadata["tags"]!.AsArray().Select(t => t.Str()));
        Assert.Equal("d", metadata["description"].Str());
        Assert.Equal("o2", metadata["owner"].Str());
        Assert.Equal("t", metadata["team"].Str());
        Assert.Equal("staging", metadata["env"].Str());
        Assert.Equal("eu", metadata["region"].Str());

        // the change is stored, not only answered
        var read = (await Host.GetJson("/v1/secrets/" + Path))["metadata"]!;
        Assert.Equal("o2", read["owner"].Str());
        Assert.Equal("eu", read["region"].Str());
        Assert.Equal("d", read["description"].Str());
    }

    [Fact]
    public async Task Patch_TagsSent_ReplaceTheWholeList()
    {
        await Host.Put(Path, """{"data": {"k": "v"}, "metadata": {"tags": ["a", "b"]}}""");
        var answer = await (await Host.Call("PATCH", Url, """{"metadata": {"tags": ["c"]}}""")).Json();
        Assert.Equal(["c"], answer["metadata"]!["tags"]!.AsArray().Select(t => t.Str()));
    }

    [Fact]
    public async Task Patch_Nulls_RemoveDescriptionOwnerCustomKeysAndEmptyTags()
    {
        await Host.Put(Path, """
            {"data": {"k": "v"}, "metadata": {"tags": ["a"], "description": "d", "owner": "o", "team": "t", "env": "prod"}}
            """);

        var answer = await (await Host.Call("PATCH", Url, """{"metadata": {"tags": null, "description": null, "owner": null, "team": null}}""")).Json();

        var metadata = answer["metadata"]!;
        Assert.Equal(["tags", "description", "owner", "env"], metadata.Keys());
        Assert.Empty(metadata["tags"]!.AsArray());
        Assert.Null(metadata["description"]);
        Assert.Null(metadata["owner"]);
        Assert.Equal("prod", metadata["env"].Str());
        Assert.Equal(metadata.ToJsonString(), (await Host.GetJson(Url))["metadata"]!.ToJsonString());
    }

    [Fact]
    public async Task Patch_NullForAKeyThatIsNotThere_ChangesNothing()
    {
        await Host.Put(Path, """{"data": {"k": "v"}, "metadata": {"team": "t"}}""");
        var answer = await (await Host.Call("PATCH", Url, """{"metadata": {"missing": null}}""")).Json();
        Assert.Equal(["tags", "description", "owner", "team"], answer["metadata"].Keys());
    }

    [Fact]
    public async Task Patch_AnswersLikeGetMetadataAndWritesNoVersion()
    {
        var written = await Host.Put(Path, """{"data": {"k": "v"}}""");
        await Host.Put(Path, """{"data": {"k": "w"}}""");

        var answer = await (await Host.Call("PATCH", Url, """{"metadata": {"description": "new"}}""")).Json();
        Assert.Equal(["path", "current_version", "secret_type", "max_versions", "metadata", "created_at", "updated_at", "versions"], answer.Keys());
        Assert.Equal(2, answer["current_version"].Int());
        Assert.Equal(2, answer["versions"]!.AsArray().Count);
        Assert.Equal(written["created_at"].Str(), answer["created_at"].Str());
        Assert.True(string.CompareOrdinal(answer["updated_at"].Str(), written["updated_at"].Str()) > 0);

        var fresh = await Host.GetJson(Url);
        Assert.Equal(answer.ToJsonString(), fresh.ToJsonString());

        var read = await Host.GetJson("/v1/secrets/" + Path);
        Assert.Equal(2, read["version"].Int());
        Assert.Equal("w", read["data"]!["k"].Str());
    }

    [Fact]
    public async Task Patch_EmptyObject_ChangesNothing()
    {
        await Host.Put(Path, """{"data": {"k": "v"}, "metadata": {"owner": "o"}, "options": {"max_versions": 4}}""");
        var before = await Host.GetJson(Url);

        var answer = await (await Host.Call("PATCH", Url, "{}")).Json();
        Assert.Equal(before.ToJsonString(), answer.ToJsonString());
    }

    [Fact]
    public async Task Patch_LoweringMaxVersions_DestroysTheOldestVersionsBeyondIt()
    {
        for (var i = 1; i <= 4; i++) await Host.Put(Path, $$$"""{"data": {"n": "{{{i}}}"}}""");

        var answer = await (await Host.Call("PATCH", Url, """{"options": {"max_versions": 2}}""")).Json();
        Assert.Equal(2, answer["max_versions"].Int());
        Assert.Equal(4, answer["current_version"].Int());
        Assert.Equal(["destroyed", "destroyed", "active", "active"], States(answer));

        await Host.CallExpectingError("GET", "/v1/secrets/" + Path + "?version=1", null, 410, "version_destroyed");
        await Host.CallExpectingError("GET", "/v1/secrets/" + Path + "?version=2", null, 410, "version_destroyed");
        Assert.Equal("3", (await Host.GetJson("/v1/secrets/" + Path + "?version=3"))["data"]!["n"].Str());
        Assert.Equal("4", (await Host.GetJson("/v1/secrets/" + Path))["data"]!["n"].Str());
    }

    [Fact]
    public async Task Patch_RaisingMaxVersions_DestroysNothingAndLaterWritesObeyIt()
    {
        await Host.Put(Path, """{"data": {"n": "1"}, "options": {"max_versions": 1}}""");
        var answer = await (await Host.Call("PATCH", Url, """{"options": {"max_versions": 3}}""")).Json();
        Assert.Equal(3, answer["max_versions"].Int());
        Assert.Equal(["active"], States(answer));

        for (var i = 2; i <= 4; i++) await Host.Put(Path, $$$"""{"data": {"n": "{{{i}}}"}}""");
        Assert.Equal(["destroyed", "active", "active", "active"], States(await Host.GetJson(Url)));
    }

    [Fact]
    public async Task Patch_MaxVersionsAlone_KeepsTheMetadata()
    {
        await Host.Put(Path, """{"data": {"k": "v"}, "metadata": {"owner": "o", "team": "t"}}""");
        var answer = await (await Host.Call("PATCH", Url, """{"options": {"max_versions": 5}}""")).Json();
        Assert.Equal("o", answer["metadata"]!["owner"].Str());
        Assert.Equal("t", answer["metadata"]!["team"].Str());
    }

    [Fact]
    public async Task Patch_MetadataAlone_KeepsMaxVersions()
    {
        await Host.Put(Path, """{"data": {"k": "v"}, "options": {"max_versions": 7}}""");
        var answer = await (await Host.Call("PATCH", Url, """{"metadata": {"owner": "o"}}""")).Json();
        Assert.Equal(7, answer["max_versions"].Int());
    }

    [Fact]
    public async Task Patch_NothingAtPath_Is404SecretNotFoundAndCreatesNothing()
    {
        await Host.CallExpectingError("PATCH", Url, """{"metadata": {"owner": "o"}}""", 404, "secret_not_found");
        await Host.CallExpectingError("GET", Url, null, 404, "secret_not_found");
        Assert.Empty((await Host.GetJson("/v1/secrets"))["secrets"]!.AsArray());
    }

    [Fact]
    public async Task Patch_WholeSecretDeleted_Is404SecretNotFound()
    {
        await Host.Put(Path, """{"data": {"k": "v"}}""");
        await Host.Call("DELETE", "/v1/secrets/" + Path, status: 204);
        await Host.CallExpectingError("PATCH", Url, """{"metadata": {"owner": "o"}}""", 404, "secret_not_found");
    }

    [Theory]
    [InlineData("""{"data": {"k": "v"}}""", "data")]
    [InlineData("""{"secret_type": "json"}""", "secret_type")]
    [InlineData("""{"options": {"cas": 1}}""", "cas")]
    [InlineData("""{"options": {"max_versions": 1001}}""", "max_versions")]
    [InlineData("""{"options": {"max_versions": -1}}""", "max_versions")]
    [InlineData("""{"metadata": {"bad key": "v"}}""", "metadata")]
    [InlineData("""{"metadata": {"tags": "a"}}""", "metadata.tags")]
    [InlineData("""{"metadata": {"team": 1}}""", "metadata")]
    [InlineData("""{"metadata": "x"}""", "metadata")]
    public async Task Patch_BreakingARule_Is400InvalidRequestAndChangesNothing(string body, string named)
    {
        await Host.Put(Path, """{"data": {"k": "v"}, "metadata": {"owner": "o"}, "options": {"max_versions": 3}}""");
        var before = await Host.GetJson(Url);

        var message = await Host.CallExpectingError("PATCH", Url, body, 400, "invalid_request");
        Assert.Contains(named, message);
        Assert.Equal(before.ToJsonString(), (await Host.GetJson(Url)).ToJsonString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"metadata": {"owner": "a"}, "metadata": {"owner": "b"}}""")]
    public async Task Patch_BodyThatIsNotOneJsonObject_Is400InvalidJson(string body)
    {
        await Host.Put(Path, """{"data": {"k": "v"}}""");
        await Host.CallExpectingError("PATCH", Url, body, 400, "invalid_json");
    }
}
