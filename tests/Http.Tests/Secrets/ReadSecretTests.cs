using System.Text.Json.Nodes;
using ScaiVault.Http.Tests.Infrastructure;
using static ScaiVault.Http.Tests.Secrets.SecretsApi;

namespace ScaiVault.Http.Tests.Secrets;

/// <summary>GET /v1/secrets/{path} and ?version=N.</summary>
public sealed class ReadSecretTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Path = "infra/hashicorp/approle";
    private const string Url = "/v1/secrets/" + Path;

    [Fact]
    public async Task Get_Current_AnswersTheDocumentedShape()
    {
        var written = await Host.Put(Path, """{"data": {"role_id": "r-1", "secret_id": "s-1"}, "secret_type": "json"}""");

        var read = await Host.GetJson(Url);
        Assert.Equal(["path", "version", "current_version", "secret_type", "data", "metadata", "created_at", "created_by", "updated_at"], read.Keys());
        Assert.Equal(Path, read["path"].Str());
        Assert.Equal(1, read["version"].Int());
        Assert.Equal(1, read["current_version"].Int());
        Assert.Equal("json", read["secret_type"].Str());
        Assert.Equal("r-1", read["data"]!["role_id"].Str());
        Assert.Equal("s-1", read["data"]!["secret_id"].Str());
        Assert.Equal("root", read["created_by"].Str());
        AssertTime(read["created_at"]);
        AssertTime(read["updated_at"]);
        Assert.Equal(written["created_at"].Str(), read["created_at"].Str());
    }

    [Fact]
    public async Task Get_SuccessfulRead_IsNotCacheable()
    {
        await Host.Put(Path, """{"data": {"k": "v"}}""");
        var result = await Host.Call("GET", Url);
        Assert.Equal("no-store", result.Context.Response.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task Get_WithVersion_AnswersThatVersionAndTheCurrentVersionNumber()
    {
        var first = await Host.Put(Path, """{"data": {"n": "one"}}""");
        await Host.Put(Path, """{"data": {"n": "two"}}""");
        await Host.Put(Path, """{"data": {"n": "three"}}""");

        var read = await Host.GetJson(Url + "?version=1");
        Assert.Equal(1, read["version"].Int());
        Assert.Equal(3, read["current_version"].Int());
        Assert.Equal("one", read["data"]!["n"].Str());
        Assert.Equal(first["created_at"].Str(), read["created_at"].Str());
        Assert.Equal("root", read["created_by"].Str());

        var second = await Host.GetJson(Url + "?version=2");
        Assert.Equal("two", second["data"]!["n"].Str());
        var current = await Host.GetJson(Url + "?version=3");
        Assert.Equal("three", current["data"]!["n"].Str());
    }

    [Fact]
    public async Task Get_CreatedAtDescribesTheVersionAndUpdatedAtTheSecret()
    {
        var first = await Host.Put(Path, """{"data": {"n": "one"}}""");
        var second = await Host.Put(Path, """{"data": {"n": "two"}}""");

        var old = await Host.GetJson(Url + "?version=1");
        Assert.Equal(first["created_at"].Str(), old["created_at"].Str());
        Assert.Equal(second["updated_at"].Str(), old["updated_at"].Str());
        Assert.True(string.CompareOrdinal(old["updated_at"].Str(), old["created_at"].Str()) > 0);
    }

    [Fact]
    public async Task Get_AfterMetadataChange_UpdatedAtMovesButCreatedAtStays()
    {
        var written = await Host.Put(Path, """{"data": {"k": "v"}}""");
        await Host.Call("PATCH", "/v1/metadata/" + Path, """{"metadata": {"owner": "team:x"}}""");

        var read = await Host.GetJson(Url);
        Assert.Equal(1, read["version"].Int());
        Assert.Equal(written["created_at"].Str(), read["created_at"].Str());
        Assert.True(string.CompareOrdinal(read["updated_at"].Str(), written["updated_at"].Str()) > 0);
        Assert.Equal("team:x", read["metadata"]!["owner"].Str());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("1e2")]
    [InlineData("")]
    [InlineData("%2B1")]
    [InlineData("%201")]
    [InlineData("0x1")]
    [InlineData("99999999999")]
    [InlineData("1&version=2")]
    public async Task Get_VersionNotAPositiveWholeNumber_Is400InvalidVersion(string version)
    {
        await Host.Put(Path, """{"data": {"k": "v"}}""");
        await Host.CallExpectingError("GET", Url + "?version=" + version, null, 400, "invalid_version");
    }

    [Fact]
    public async Task Get_VersionBeyondCurrent_Is404UnknownVersion()
    {
        await Host.Put(Path, """{"data": {"k": "v"}}""");
        await Host.Put(Path, """{"data": {"k": "w"}}""");
        var message = await Host.CallExpectingError("GET", Url + "?version=3", null, 404, "unknown_version");
        Assert.Contains("2", message);
    }

    [Fact]
    public async Task Get_CurrentVersionSoftDeleted_Is404VersionDeletedWhileOlderStaysReadable()
    {
        await Host.Put(Path, """{"data": {"n": "one"}}""");
        await Host.Put(Path, """{"data": {"n": "two"}}""");
        await Host.Post("delete", Path);

        await Host.CallExpectingError("GET", Url, null, 404, "version_deleted");
        await Host.CallExpectingError("GET", Url + "?version=2", null, 404, "version_deleted");
        Assert.Equal("one", (await Host.GetJson(Url + "?version=1"))["data"]!["n"].Str());
    }

    [Fact]
    public async Task Get_OlderVersionSoftDeleted_Is404VersionDeletedWhileCurrentStaysReadable()
    {
        await Host.Put(Path, """{"data": {"n": "one"}}""");
        await Host.Put(Path, """{"data": {"n": "two"}}""");
        await Host.Post("delete", Path, """{"versions": [1]}""");

        await Host.CallExpectingError("GET", Url + "?version=1", null, 404, "version_deleted");
        Assert.Equal("two", (await Host.GetJson(Url))["data"]!["n"].Str());
    }

    [Fact]
    public async Task Get_CurrentVersionDestroyed_Is410VersionDestroyedWhileOlderStaysReadable()
    {
        await Host.Put(Path, """{"data": {"n": "one"}}""");
        await Host.Put(Path, """{"data": {"n": "two"}}""");
        await Host.Post("destroy", Path);

        await Host.CallExpectingError("GET", Url, null, 410, "version_destroyed");
        await Host.CallExpectingError("GET", Url + "?version=2", null, 410, "version_destroyed");
        Assert.Equal("one", (await Host.GetJson(Url + "?version=1"))["data"]!["n"].Str());
    }

    [Fact]
    public async Task Get_OlderVersionDestroyed_Is410VersionDestroyed()
    {
        await Host.Put(Path, """{"data": {"n": "one"}}""");
        await Host.Put(Path, """{"data": {"n": "two"}}""");
        await Host.Post("destroy", Path, """{"versions": [1]}""");

        await Host.CallExpectingError("GET", Url + "?version=1", null, 410, "version_destroyed");
        Assert.Equal("two", (await Host.GetJson(Url))["data"]!["n"].Str());
    }

    [Fact]
    public async Task Get_NothingAtPath_Is404SecretNotFound()
    {
        await Host.Put("infra/hashicorp/other", """{"data": {"k": "v"}}""");
        await Host.CallExpectingError("GET", Url, null, 404, "secret_not_found");
        await Host.CallExpectingError("GET", Url + "?version=1", null, 404, "secret_not_found");
        // a parent "folder" of a secret is not a secret
        await Host.CallExpectingError("GET", "/v1/secrets/infra/hashicorp", null, 404, "secret_not_found");
    }

    [Fact]
    public async Task Get_InvalidPath_Is400InvalidPath()
    {
        await Host.CallExpectingError("GET", "/v1/secrets/infra/../hashicorp", null, 400, "invalid_path");
    }

    [Fact]
    public async Task Get_BinarySecret_RoundTripsEveryByteAsStandardBase64()
    {
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var b64 = Convert.ToBase64String(bytes);
        await Host.Put(Path, $$"""{"data": "{{b64}}", "secret_type": "binary"}""");

        var read = await Host.GetJson(Url);
        Assert.Equal("binary", read["secret_type"].Str());
        Assert.Equal(b64, read["data"].Str());
    }

    [Fact]
    public async Task Get_EmptyBinarySecret_RoundTrips()
    {
        await Host.Put(Path, """{"data": "", "secret_type": "binary"}""");
        Assert.Equal("", (await Host.GetJson(Url))["data"].Str());
    }

    [Theory]
    [InlineData("hunter2")]
    [InlineData("")]
    [InlineData("pässwörd ✓ 日本語 🔑")]
    [InlineData("quote \" backslash \\ newline \n tab \t </script> & < >")]
    public async Task Get_StringSecret_RoundTripsExactly(string value)
    {
        var body = new JsonObject { ["data"] = value, ["secret_type"] = "string" }.ToJsonString();
        await Host.Put(Path, body);

        var read = await Host.GetJson(Url);
        Assert.Equal("string", read["secret_type"].Str());
        Assert.Equal(value, read["data"].Str());
    }

    [Fact]
    public async Task Get_StringSecretSentWithEscapes_RoundTripsTheDecodedText()
    {
        await Host.Put(Path, """{"data": "caf\u00e9 \ud83d\udd11", "secret_type": "string"}""");
        Assert.Equal("café 🔑", (await Host.GetJson(Url))["data"].Str());
    }

    [Fact]
    public async Task Get_JsonSecret_KeepsNestedStructureAndExactNumbers()
    {
        const string data = """{"a":{"b":[1,2.50,12345678901234567890,-0.1e-7]},"t":true,"n":null,"s":"x\"y","u":"é"}""";
        await Host.Put(Path, $$"""{"data": {{data}}}""");

        var read = await Host.GetJson(Url);
        var back = JsonNode.Parse(read["data"]!.ToJsonString())!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(data), back));
        Assert.Contains("12345678901234567890", read["data"]!.ToJsonString());
        Assert.Contains("2.50", read["data"]!.ToJsonString());
    }

    [Fact]
    public async Task Get_MetadataOfTheSecret_IsReturnedWithEveryVersion()
    {
        await Host.Put(Path, """{"data": {"n": "one"}, "metadata": {"owner": "o1"}}""");
        await Host.Put(Path, """{"data": {"n": "two"}, "metadata": {"owner": "o2"}}""");

        // metadata belongs to the secret, not to a version
        Assert.Equal("o2", (await Host.GetJson(Url + "?version=1"))["metadata"]!["owner"].Str());
        Assert.Equal("o2", (await Host.GetJson(Url))["metadata"]!["owner"].Str());
    }
}
