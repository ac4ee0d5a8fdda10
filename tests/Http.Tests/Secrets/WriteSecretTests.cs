using System.Text;
using Alba;
using ScaiVault.Http.Tests.Infrastructure;
using static ScaiVault.Http.Tests.Secrets.SecretsApi;

namespace ScaiVault.Http.Tests.Secrets;

/// <summary>PUT /v1/secrets/{path}: types, validation, metadata, options and check-and-set.</summary>
public sealed class WriteSecretTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Url = "/v1/secrets/apps/billing/db";

    // ---- success paths -------------------------------------------------------------------------------

    [Fact]
    public async Task Put_NewJsonSecret_AnswersVersion1WithTheDocumentedShape()
    {
        var answer = await Host.Put("apps/billing/db", """{"data": {"user": "u", "password": "p"}, "secret_type": "json"}""");

        Assert.Equal(["path", "version", "secret_type", "created_at", "updated_at"], answer.Keys());
        Assert.Equal("apps/billing/db", answer["path"].Str());
        Assert.Equal(1, answer["version"].Int());
        Assert.Equal("json", answer["secret_type"].Str());
        AssertTime(answer["created_at"]);
        AssertTime(answer["updated_at"]);
    }

    [Fact]
    public async Task Put_WithoutSecretType_DefaultsToJson()
    {
        var answer = await Host.Put("apps/billing/db", """{"data": {"k": "v"}}""");
        Assert.Equal("json", answer["secret_type"].Str());

        var read = await Host.GetJson(Url);
        Assert.Equal("json", read["secret_type"].Str());
        Assert.Equal("v", read["data"]!["k"].Str());
    }

    [Fact]
    public async Task Put_StringType_StoresTheString()
    {
        var answer = await Host.Put("apps/billing/db", """{"data": "hunter2", "secret_type": "string"}""");
        Assert.Equal("string", answer["secret_type"].Str());

        var read = await Host.GetJson(Url);
        Assert.Equal("string", read["secret_type"].Str());
        Assert.Equal("hunter2", read["data"].Str());
    }

    [Fact]
    public async Task Put_BinaryType_StoresTheDecodedBytes()
    {
        var bytes = new byte[] { 0, 1, 2, 250, 255, 10, 13 };
        var b64 = Convert.ToBase64String(bytes);
        var answer = await Host.Put("apps/billing/db", $$"""{"data": "{{b64}}", "secret_type": "binary"}""");
        Assert.Equal("binary", answer["secret_type"].Str());

        var read = await Host.GetJson(Url);
        Assert.Equal("binary", read["secret_type"].Str());
        Assert.Equal(bytes, Convert.FromBase64String(read["data"].Str()));
    }

    [Fact]
    public async Task Put_EmptyJsonObject_IsAccepted()
    {
        await Host.Put("apps/billing/db", """{"data": {}}""");
        var read = await Host.GetJson(Url);
        Assert.Empty(read["data"]!.AsObject());
    }

    [Fact]
    public async Task Put_SecondWrite_CreatesVersion2AndKeepsVersion1()
    {
        Assert.Equal(1, (await Host.Put("apps/billing/db", """{"data": {"n": "one"}}"""))["version"].Int());
        Assert.Equal(2, (await Host.Put("apps/billing/db", """{"data": {"n": "two"}}"""))["version"].Int());

        var current = await Host.GetJson(Url);
        Assert.Equal(2, current["version"].Int());
        Assert.Equal("two", current["data"]!["n"].Str());
        var first = await Host.GetJson(Url + "?version=1");
        Assert.Equal("one", first["data"]!["n"].Str());
    }

    [Fact]
    public async Task Put_ChangingTheType_EachVersionKeepsItsOwnType()
    {
        await Host.Put("apps/billing/db", """{"data": {"n": "one"}, "secret_type": "json"}""");
        var answer = await Host.Put("apps/billing/db", """{"data": "two", "secret_type": "string"}""");
        Assert.Equal("string", answer["secret_type"].Str());

        var current = await Host.GetJson(Url);
        Assert.Equal("string", current["secret_type"].Str());
        Assert.Equal("two", current["data"].Str());
        var first = await Host.GetJson(Url + "?version=1");
        Assert.Equal("json", first["secret_type"].Str());
        Assert.Equal("one", first["data"]!["n"].Str());
    }

    [Fact]
    public async Task Put_PathWithEveryAllowedCharacter_IsAccepted()
    {
        const string path = "a-b_c.d+e=f@g/Z9";
        var answer = await Host.Put(path, """{"data": {"k": "v"}}""");
        Assert.Equal(path, answer["path"].Str());
        Assert.Equal("v", (await Host.GetJson($"/v1/secrets/{path}"))["data"]!["k"].Str());
    }

    // ---- data that does not fit its type -------------------------------------------------------------

    [Theory]
    [InlineData("json", "\"text\"")]
    [InlineData("json", "[1, 2]")]
    [InlineData("json", "42")]
    [InlineData("json", "true")]
    [InlineData("string", "{\"a\": \"b\"}")]
    [InlineData("string", "7")]
    [InlineData("string", "[\"a\"]")]
    [InlineData("binary", "\"not base64!\"")]
    [InlineData("binary", "\"YWI\"")]
    [InlineData("binary", "\"YW-_\"")]
    [InlineData("binary", "{\"a\": \"b\"}")]
    [InlineData("binary", "123")]
    public async Task Put_DataNotFittingItsType_Is400InvalidValueAndWritesNothing(string type, string data)
    {
        await Host.CallExpectingError("PUT", Url, $$"""{"data": {{data}}, "secret_type": "{{type}}"}""", 400, "invalid_value");
        await Host.CallExpectingError("GET", Url, null, 404, "secret_not_found");
    }

    [Fact]
    public async Task Put_ValueOver64KiB_Is413ValueTooLarge()
    {
        var value = new string('x', 64 * 1024 + 1);
        await Host.CallExpectingError("PUT", Url, $$"""{"data": "{{value}}", "secret_type": "string"}""", 413, "value_too_large");
        await Host.CallExpectingError("GET", Url, null, 404, "secret_not_found");
    }

    [Fact]
    public async Task Put_BinaryValueOf64KiBExactly_IsAccepted()
    {
        var bytes = new byte[64 * 1024];
        new Random(7).NextBytes(bytes);
        await Host.Put("apps/billing/db", $$"""{"data": "{{Convert.ToBase64String(bytes)}}", "secret_type": "binary"}""");
        Assert.Equal(bytes, Convert.FromBase64String((await Host.GetJson(Url))["data"].Str()));
    }

    [Fact]
    public async Task Put_BodyOver256KiB_Is413BodyTooLarge()
    {
        var filler = new string('x', 256 * 1024);
        await Host.CallExpectingError("PUT", Url, $$$"""{"data": {"k": "{{{filler}}}"}}""", 413, "body_too_large");
    }

    // ---- request structure ---------------------------------------------------------------------------

    [Theory]
    [InlineData("""{"secret_type": "json"}""")]
    [InlineData("""{"data": null}""")]
    [InlineData("""{"metadata": {"owner": "x"}}""")]
    public async Task Put_WithoutData_Is400InvalidRequestNamingData(string body)
    {
        var message = await Host.CallExpectingError("PUT", Url, body, 400, "invalid_request");
        Assert.Contains("data", message);
    }

    [Fact]
    public async Task Put_UnknownField_Is400InvalidRequestNamingTheField()
    {
        var message = await Host.CallExpectingError("PUT", Url, """{"data": {"k": "v"}, "valeu": 1}""", 400, "invalid_request");
        Assert.Contains("valeu", message);
        await Host.CallExpectingError("GET", Url, null, 404, "secret_not_found");
    }

    [Theory]
    [InlineData("\"yaml\"")]
    [InlineData("\"JSON\"")]
    [InlineData("\"\"")]
    [InlineData("5")]
    [InlineData("[\"json\"]")]
    public async Task Put_BadSecretType_Is400InvalidRequestNamingSecretType(string type)
    {
        var message = await Host.CallExpectingError("PUT", Url, $$"""{"data": {"k": "v"}, "secret_type": {{type}}}""", 400, "invalid_request");
        Assert.Contains("secret_type", message);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("\"data\"")]
    [InlineData("""{"data": {"k": "v"}, "data": {"k": "w"}}""")]
    [InlineData("""{"data": {"k": "a\u0000b"}}""")]
    [InlineData("""{"data": {"k": "\ud800"}}""")]
    [InlineData("""{"data": {"k": "v"},}""")]
    [InlineData("")]
    public async Task Put_BodyThatIsNotOneJsonObject_Is400InvalidJson(string body)
    {
        await Host.CallExpectingError("PUT", Url, body, 400, "invalid_json");
        await Host.CallExpectingError("GET", Url, null, 404, "secret_not_found");
    }

    [Fact]
    public async Task Put_JsonNestedDeeperThan32_Is400InvalidJson()
    {
        var deep = new StringBuilder("""{"data": """);
        for (var i = 0; i < 40; i++) deep.Append("""{"a": """);
        deep.Append("1");
        deep.Append('}', 41);
        await Host.CallExpectingError("PUT", Url, deep.ToString(), 400, "invalid_json");
    }

    [Theory]
    [InlineData("/v1/secrets/a/../b")]
    [InlineData("/v1/secrets/a/./b")]
    [InlineData("/v1/secrets/a//b")]
    [InlineData("/v1/secrets/a/b/")]
    [InlineData("/v1/secrets/a%2Fb")]
    [InlineData("/v1/secrets/a%5Cb")]
    [InlineData("/v1/secrets/a%25b")]
    [InlineData("/v1/secrets/a!b")]
    [InlineData("/v1/secrets/a%C3%A9")]
    public async Task Put_PathBreakingTheGrammar_Is400InvalidPath(string url)
    {
        await Host.CallExpectingError("PUT", url, """{"data": {"k": "v"}}""", 400, "invalid_path");
        var list = await Host.GetJson("/v1/secrets");
        Assert.Empty(list["secrets"]!.AsArray());
    }

    [Fact]
    public async Task Put_PathLimits_AreEnforcedAtTheBoundary()
    {
        var segment128 = new string('s', 128);
        await Host.Put(segment128, """{"data": {}}""");
        await Host.CallExpectingError("PUT", "/v1/secrets/" + segment128 + "x", """{"data": {}}""", 400, "invalid_path");

        var deep32 = string.Join('/', Enumerable.Range(0, 32).Select(i => "d" + i));
        await Host.Put(deep32, """{"data": {}}""");
        await Host.CallExpectingError("PUT", "/v1/secrets/" + deep32 + "/d32", """{"data": {}}""", 400, "invalid_path");

        var long513 = string.Join('/', Enumerable.Repeat(new string('l', 127), 4)) + "/" + new string('m', 1); // 4*127+4+1 = 513
        Assert.Equal(513, long513.Length);
        await Host.CallExpectingError("PUT", "/v1/secrets/" + long513, """{"data": {}}""", 400, "invalid_path");
    }

    // ---- metadata ------------------------------------------------------------------------------------

    [Fact]
    public async Task Put_WithMetadata_ReadReturnsIt()
    {
        await Host.Put("apps/billing/db", """
            {"data": {"k": "v"},
             "metadata": {"tags": ["billing", "db"], "description": "the billing db", "owner": "team:billing", "team": "payments", "cost.center:1-a": "42"}}
            """);

        var metadata = (await Host.GetJson(Url))["metadata"]!;
        Assert.Equal(["billing", "db"], metadata["tags"]!.AsArray().Select(t => t.Str()));
        Assert.Equal("the billing db", metadata["description"].Str());
        Assert.Equal("team:billing", metadata["owner"].Str());
        Assert.Equal("payments", metadata["team"].Str());
        Assert.Equal("42", metadata["cost.center:1-a"].Str());
    }

    [Fact]
    public async Task Put_WithoutMetadata_ReadShowsEmptyMetadata()
    {
        await Host.Put("apps/billing/db", """{"data": {"k": "v"}}""");
        var metadata = (await Host.GetJson(Url))["metadata"]!;
        Assert.Equal(["tags", "description", "owner"], metadata.Keys());
        Assert.Empty(metadata["tags"]!.AsArray());
        Assert.Null(metadata["description"]);
        Assert.Null(metadata["owner"]);
    }

    [Fact]
    public async Task Put_MetadataSent_ReplacesTheWholeMetadata()
    {
        await Host.Put("apps/billing/db", """{"data": {"k": "1"}, "metadata": {"tags": ["a"], "owner": "o", "team": "t"}}""");
        await Host.Put("apps/billing/db", """{"data": {"k": "2"}, "metadata": {"description": "d"}}""");

        var metadata = (await Host.GetJson(Url))["metadata"]!;
        Assert.Equal(["tags", "description", "owner"], metadata.Keys());
        Assert.Empty(metadata["tags"]!.AsArray());
        Assert.Equal("d", metadata["description"].Str());
        Assert.Null(metadata["owner"]);
    }

    [Fact]
    public async Task Put_EmptyMetadataObject_ClearsTheMetadata()
    {
        await Host.Put("apps/billing/db", """{"data": {"k": "1"}, "metadata": {"tags": ["a"], "owner": "o", "team": "t"}}""");
        await Host.Put("apps/billing/db", """{"data": {"k": "2"}, "metadata": {}}""");

        var metadata = (await Host.GetJson(Url))["metadata"]!;
        Assert.Equal(["tags", "description", "owner"], metadata.Keys());
        Assert.Empty(metadata["tags"]!.AsArray());
        Assert.Null(metadata["owner"]);
    }

    [Fact]
    public async Task Put_MetadataLeftOut_KeepsTheMetadata()
    {
        await Host.Put("apps/billing/db", """{"data": {"k": "1"}, "metadata": {"tags": ["a"], "owner": "o", "team": "t"}}""");
        await Host.Put("apps/billing/db", """{"data": {"k": "2"}}""");

        var read = await Host.GetJson(Url);
        Assert.Equal("2", read["data"]!["k"].Str());
        var metadata = read["metadata"]!;
        Assert.Equal(["a"], metadata["tags"]!.AsArray().Select(t => t.Str()));
        Assert.Equal("o", metadata["owner"].Str());
        Assert.Equal("t", metadata["team"].Str());
    }

    public static TheoryData<string> InvalidMetadata()
    {
        var tooManyTags = "[" + string.Join(',', Enumerable.Range(0, 65).Select(i => $"\"t{i}\"")) + "]";
        var tooManyKeys = string.Join(',', Enumerable.Range(0, 65).Select(i => $"\"k{i}\": \"v\""));
        return new TheoryData<string>
        {
            "\"a string\"",
            "[\"a\"]",
            """{"tags": "billing"}""",
            """{"tags": [1, 2]}""",
            $$"""{"tags": {{tooManyTags}}}""",
            $$"""{"description": "{{new string('d', 1025)}}"}""",
            """{"description": 5}""",
            $$"""{"owner": "{{new string('o', 257)}}"}""",
            """{"owner": ["a"]}""",
            """{"bad key": "v"}""",
            """{"bad/key": "v"}""",
            $$"""{"{{new string('k', 65)}}": "v"}""",
            """{"team": 5}""",
            """{"team": {"a": "b"}}""",
            $$"""{{{tooManyKeys}}}""",
        };
    }

    [Theory]
    [MemberData(nameof(InvalidMetadata))]
    public async Task Put_MetadataBreakingARule_Is400InvalidRequestNamingMetadata(string metadata)
    {
        var message = await Host.CallExpectingError("PUT", Url, $$"""{"data": {"k": "v"}, "metadata": {{metadata}}}""", 400, "invalid_request");
        Assert.Contains("metadata", message);
        await Host.CallExpectingError("GET", Url, null, 404, "secret_not_found");
    }

    [Fact]
    public async Task Put_MetadataAtEveryLimit_IsAccepted()
    {
        var tags = "[" + string.Join(',', Enumerable.Range(0, 64).Select(i => $"\"t{i}\"")) + "]";
        var custom = string.Join(',', Enumerable.Range(0, 64).Select(i => $"\"k{i}\": \"v{i}\""));
        var description = new string('d', 1024);
        var owner = new string('o', 256);
        await Host.Put("apps/billing/db", $$$"""
            {"data": {"k": "v"}, "metadata": {"tags": {{{tags}}}, "description": "{{{description}}}", "owner": "{{{owner}}}", {{{custom}}}}}
            """);

        var metadata = (await Host.GetJson(Url))["metadata"]!;
        Assert.Equal(64, metadata["tags"]!.AsArray().Count);
        Assert.Equal(description, metadata["description"].Str());
        Assert.Equal(owner, metadata["owner"].Str());
        Assert.Equal("v63", metadata["k63"].Str());
        Assert.Equal(3 + 64, metadata.AsObject().Count);
    }

    // ---- options -------------------------------------------------------------------------------------

    [Theory]
    [InlineData("-1")]
    [InlineData("1001")]
    [InlineData("\"3\"")]
    [InlineData("1.5")]
    [InlineData("true")]
    public async Task Put_MaxVersionsOutOfRangeOrNotANumber_Is400InvalidRequestNamingMaxVersions(string value)
    {
        var message = await Host.CallExpectingError("PUT", Url, $$$"""{"data": {"k": "v"}, "options": {"max_versions": {{{value}}}}}""", 400, "invalid_request");
        Assert.Contains("max_versions", message);
        await Host.CallExpectingError("GET", Url, null, 404, "secret_not_found");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    public async Task Put_MaxVersionsInRange_IsStoredWithTheSecret(int maxVersions)
    {
        await Host.Put("apps/billing/db", $$$"""{"data": {"k": "v"}, "options": {"max_versions": {{{maxVersions}}}}}""");
        Assert.Equal(maxVersions, (await Host.GetJson("/v1/metadata/apps/billing/db"))["max_versions"].Int());
    }

    [Fact]
    public async Task Put_UnknownOption_Is400InvalidRequestNamingTheOption()
    {
        var message = await Host.CallExpectingError("PUT", Url, """{"data": {"k": "v"}, "options": {"ttl": 5}}""", 400, "invalid_request");
        Assert.Contains("ttl", message);
    }

    [Fact]
    public async Task Put_OptionsNotAnObject_Is400InvalidRequest()
    {
        var message = await Host.CallExpectingError("PUT", Url, """{"data": {"k": "v"}, "options": [1]}""", 400, "invalid_request");
        Assert.Contains("options", message);
    }

    // ---- check-and-set -------------------------------------------------------------------------------

    [Fact]
    public async Task Put_Cas0OnMissingSecret_Creates()
    {
        var answer = await Host.Put("apps/billing/db", """{"data": {"k": "v"}, "options": {"cas": 0}}""");
        Assert.Equal(1, answer["version"].Int());
    }

    [Fact]
    public async Task Put_Cas0OnExistingSecret_Is409CasMismatchNamingCurrentVersionAndChangesNothing()
    {
        await Host.Put("apps/billing/db", """{"data": {"k": "first"}}""");

        var message = await Host.CallExpectingError("PUT", Url, """{"data": {"k": "second"}, "options": {"cas": 0}}""", 409, "cas_mismatch");
        Assert.Contains("current version is 1", message);

        var read = await Host.GetJson(Url);
        Assert.Equal(1, read["current_version"].Int());
        Assert.Equal("first", read["data"]!["k"].Str());
    }

    [Fact]
    public async Task Put_CasMatchingCurrentVersion_WritesTheNextVersion()
    {
        await Host.Put("apps/billing/db", """{"data": {"k": "1"}}""");
        await Host.Put("apps/billing/db", """{"data": {"k": "2"}}""");

        var answer = await Host.Put("apps/billing/db", """{"data": {"k": "3"}, "options": {"cas": 2}}""");
        Assert.Equal(3, answer["version"].Int());
        Assert.Equal("3", (await Host.GetJson(Url))["data"]!["k"].Str());
    }

    [Fact]
    public async Task Put_CasBehindCurrentVersion_Is409CasMismatchNamingCurrentVersion()
    {
        await Host.Put("apps/billing/db", """{"data": {"k": "1"}}""");
        await Host.Put("apps/billing/db", """{"data": {"k": "2"}}""");

        var message = await Host.CallExpectingError("PUT", Url, """{"data": {"k": "stale"}, "options": {"cas": 1}}""", 409, "cas_mismatch");
        Assert.Contains("current version is 2", message);

        var read = await Host.GetJson(Url);
        Assert.Equal(2, read["current_version"].Int());
        Assert.Equal("2", read["data"]!["k"].Str());
    }

    [Fact]
    public async Task Put_CasAheadOfCurrentVersion_Is409CasMismatch()
    {
        await Host.Put("apps/billing/db", """{"data": {"k": "1"}}""");
        var message = await Host.CallExpectingError("PUT", Url, """{"data": {"k": "x"}, "options": {"cas": 5}}""", 409, "cas_mismatch");
        Assert.Contains("1", message);
    }

    [Fact]
    public async Task Put_CasNonZeroOnMissingSecret_Is409CasMismatchAndCreatesNothing()
    {
        await Host.CallExpectingError("PUT", Url, """{"data": {"k": "x"}, "options": {"cas": 1}}""", 409, "cas_mismatch");
        await Host.CallExpectingError("GET", Url, null, 404, "secret_not_found");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("\"1\"")]
    [InlineData("2.5")]
    public async Task Put_CasNotAVersionNumber_Is400InvalidRequestNamingCas(string cas)
    {
        var message = await Host.CallExpectingError("PUT", Url, $$$"""{"data": {"k": "x"}, "options": {"cas": {{{cas}}}}}""", 400, "invalid_request");
        Assert.Contains("cas", message);
    }

    [Fact]
    public async Task Put_ConcurrentWritesWithoutCas_AllLandWithDistinctVersions()
    {
        const int writers = 8;
        var answers = await Task.WhenAll(Enumerable.Range(0, writers)
            .Select(i => Host.Put("apps/billing/db", $$$"""{"data": {"writer": "{{{i}}}"}}""")));

        Assert.Equal(Enumerable.Range(1, writers), answers.Select(a => a["version"].Int()).Order());
        var metadata = await Host.GetJson("/v1/metadata/apps/billing/db");
        Assert.Equal(writers, metadata["current_version"].Int());
        Assert.Equal(writers, metadata["versions"]!.AsArray().Count);
    }

    [Fact]
    public async Task Put_ConcurrentCreatesWithCas0_ExactlyOneWins()
    {
        const int writers = 8;
        var results = await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Host.Scenario(s =>
        {
            s.AsRoot().Put.Url(Url);
            s.RawJson($$$"""{"data": {"writer": "{{{i}}}"}, "options": {"cas": 0}}""");
            s.IgnoreStatusCode();
        })));

        var statuses = results.Select(r => r.Context.Response.StatusCode).ToArray();
        Assert.Equal(1, statuses.Count(s => s == 200));
        Assert.Equal(writers - 1, statuses.Count(s => s == 409));
        Assert.Equal(1, (await Host.GetJson(Url))["current_version"].Int());
    }
}
