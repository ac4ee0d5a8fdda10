using Alba;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Secrets;

/// <summary>Bearer authentication on every secrets endpoint, the error envelope and X-Request-ID.</summary>
public sealed class AuthAndEnvelopeTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Path = "apps/billing/db";

    private static readonly (string Method, string Url, string? Body)[] AllEndpoints =
    [
        ("GET", "/v1/secrets/" + Path, null),
        ("GET", "/v1/secrets/" + Path + "?version=1", null),
        ("PUT", "/v1/secrets/" + Path, """{"data": {"k": "changed"}}"""),
        ("DELETE", "/v1/secrets/" + Path, null),
        ("GET", "/v1/secrets", null),
        ("GET", "/v1/secrets?prefix=apps&limit=10", null),
        ("GET", "/v1/metadata/" + Path, null),
        ("PATCH", "/v1/metadata/" + Path, """{"metadata": {"owner": "intruder"}}"""),
        ("POST", "/v1/delete/" + Path, """{"versions": [1]}"""),
        ("POST", "/v1/undelete/" + Path, null),
        ("POST", "/v1/destroy/" + Path, """{"versions": [1]}"""),
    ];

    public static TheoryData<string, string, string?> Endpoints()
    {
        var data = new TheoryData<string, string, string?>();
        foreach (var (method, url, body) in AllEndpoints) data.Add(method, url, body);
        return data;
    }

    private async Task<string> Snapshot() =>
        (await Host.GetJson("/v1/metadata/" + Path)).ToJsonString() + (await Host.GetJson("/v1/secrets/" + Path)).ToJsonString();

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_WithoutToken_Is401UnauthenticatedAndChangesNothing(string method, string url, string? body)
    {
        await Host.Put(Path, """{"data": {"k": "original"}, "metadata": {"owner": "o"}}""");
        var before = await Snapshot();

        var result = await Host.Call(method, url, body, 401, asRoot: false);
        var message = await result.ShouldBeError("unauthenticated");
        Assert.Contains("Authorization", message);
        Assert.DoesNotContain("original", await result.ReadAsTextAsync());

        Assert.Equal(before, await Snapshot());
    }

    public static TheoryData<string, string, string?, string> EndpointsWithBadCredentials()
    {
        string[] headers =
        [
            "Bearer wrong-token",
            "Bearer " + AppFixture.RootToken + "x",
            "Bearer " + AppFixture.RootToken[..^1],
            "Bearer ",
            "Basic " + Convert.ToBase64String("root:"u8.ToArray()),
            AppFixture.RootToken,
        ];
        var data = new TheoryData<string, string, string?, string>();
        for (var i = 0; i < AllEndpoints.Length; i++)
        {
            var (method, url, body) = AllEndpoints[i];
            data.Add(method, url, body, headers[i % headers.Length]);
        }
        foreach (var header in headers) data.Add("GET", "/v1/secrets/" + Path, null, header);
        return data;
    }

    [Theory]
    [MemberData(nameof(EndpointsWithBadCredentials))]
    public async Task Endpoint_WithWrongCredentials_Is401UnauthenticatedAndChangesNothing(string method, string url, string? body, string authorization)
    {
        await Host.Put(Path, """{"data": {"k": "original"}, "metadata": {"owner": "o"}}""");
        var before = await Snapshot();

        var result = await Host.Call(method, url, body, 401, asRoot: false,
            configure: s => s.WithRequestHeader("Authorization", authorization));
        await result.ShouldBeError("unauthenticated");
        Assert.DoesNotContain("original", await result.ReadAsTextAsync());

        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task Get_WithRootToken_IsAuthorized()
    {
        await Host.Put(Path, """{"data": {"k": "v"}}""");
        await Host.Call("GET", "/v1/secrets/" + Path, configure: s => s.WithRequestHeader("Authorization", "Bearer " + AppFixture.RootToken));
    }

    [Theory]
    [InlineData("/healthz", "ok")]
    [InlineData("/readyz", "ready")]
    public async Task Health_WithoutToken_Is200(string url, string status)
    {
        var result = await Host.Call("GET", url, asRoot: false);
        var body = await result.Json();
        Assert.Equal(["status"], body.Keys());
        Assert.Equal(status, body["status"].Str());
        Assert.False(string.IsNullOrEmpty(result.Context.Response.Headers["X-Request-ID"].ToString()));
    }

    // ---- X-Request-ID --------------------------------------------------------------------------------

    [Theory]
    [InlineData("abc-123_X.y")]
    [InlineData("a")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public async Task RequestId_SaneOneSent_IsEchoedOnSuccessAndInErrors(string id)
    {
        Assert.InRange(id.Length, 1, 128);
        await Host.Put(Path, """{"data": {"k": "v"}}""");

        var ok = await Host.Call("GET", "/v1/secrets/" + Path, configure: s => s.WithRequestHeader("X-Request-ID", id));
        Assert.Equal(id, ok.Context.Response.Headers["X-Request-ID"].ToString());

        var failed = await Host.Call("GET", "/v1/secrets/missing", status: 404, configure: s => s.WithRequestHeader("X-Request-ID", id));
        await failed.ShouldBeError("secret_not_found");
        Assert.Equal(id, failed.Context.Response.Headers["X-Request-ID"].ToString());

        var unauthenticated = await Host.Call("GET", "/v1/secrets/" + Path, status: 401, asRoot: false,
            configure: s => s.WithRequestHeader("X-Request-ID", id));
        await unauthenticated.ShouldBeError("unauthenticated");
        Assert.Equal(id, unauthenticated.Context.Response.Headers["X-Request-ID"].ToString());
    }

    [Fact]
    public async Task RequestId_NoneSent_IsGeneratedFreshForEveryRequest()
    {
        var first = await Host.Call("GET", "/v1/secrets");
        var second = await Host.Call("GET", "/v1/secrets");

        var a = first.Context.Response.Headers["X-Request-ID"].ToString();
        var b = second.Context.Response.Headers["X-Request-ID"].ToString();
        Assert.StartsWith("req_", a);
        Assert.StartsWith("req_", b);
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("slash/inside")]
    [InlineData("<script>")]
    [InlineData("x12345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678")]
    public async Task RequestId_InsaneOneSent_IsReplacedByAGeneratedOne(string id)
    {
        var result = await Host.Call("GET", "/v1/secrets/missing", status: 404, configure: s => s.WithRequestHeader("X-Request-ID", id));
        await result.ShouldBeError("secret_not_found");

        var echoed = result.Context.Response.Headers["X-Request-ID"].ToString();
        Assert.NotEqual(id, echoed);
        Assert.StartsWith("req_", echoed);
    }

    // ---- framework answers in the envelope -----------------------------------------------------------

    [Theory]
    [InlineData("GET", "/v1/nothing")]
    [InlineData("GET", "/v2/secrets/a")]
    [InlineData("GET", "/")]
    [InlineData("POST", "/v1/secret/a")]
    public async Task UnknownRoute_Is404RouteNotFoundWithTheEnvelope(string method, string url)
    {
        var result = await Host.Call(method, url, status: 404);
        await result.ShouldBeError("route_not_found");
    }

    [Theory]
    [InlineData("POST", "/v1/secrets/a/b")]
    [InlineData("PATCH", "/v1/secrets/a/b")]
    [InlineData("GET", "/v1/delete/a/b")]
    [InlineData("DELETE", "/v1/metadata/a/b")]
    [InlineData("PUT", "/v1/destroy/a/b")]
    public async Task KnownRouteWithWrongMethod_Is405MethodNotAllowedWithTheEnvelope(string method, string url)
    {
        var result = await Host.Call(method, url, status: 405);
        await result.ShouldBeError("method_not_allowed");
    }
}
