using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alba;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Secrets;

/// <summary>Small helpers shared by the secrets API tests: one call, one status, one read of the body.</summary>
internal static partial class SecretsApi
{
    /// <summary>Sends one request (as root unless told otherwise) and asserts the status code.</summary>
    public static Task<IScenarioResult> Call(this IAlbaHost host, string method, string url, string? body = null,
        int status = 200, bool asRoot = true, Action<Scenario>? configure = null) =>
        host.Scenario(s =>
        {
            IUrlExpression target = s.Method(method);
            target.Url(url);
            if (asRoot) s.AsRoot();
            if (body is not null) s.RawJson(body);
            configure?.Invoke(s);
            s.StatusCodeShouldBe(status);
        });

    /// <summary>GET and parse the body, asserting 200.</summary>
    public static async Task<JsonNode> GetJson(this IAlbaHost host, string url) => await (await host.Call("GET", url)).Json();

    /// <summary>
    /// Asserts the one error envelope: only <c>error</c> at the top, the expected code, a message a person can
    /// read, and the request id that the <c>X-Request-ID</c> response header carries. Returns the message.
    /// </summary>
    public static async Task<string> ShouldBeError(this IScenarioResult result, string code)
    {
        var body = (await result.Json()).AsObject();
        Assert.Equal(["error"], body.Select(p => p.Key));
        var error = body["error"]!.AsObject();
        Assert.Equal(code, error["code"]!.GetValue<string>());
        var message = error["message"]!.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(message));
        var requestId = result.Context.Response.Headers["X-Request-ID"].ToString();
        Assert.False(string.IsNullOrEmpty(requestId));
        Assert.Equal(requestId, error["request_id"]!.GetValue<string>());
        Assert.StartsWith("application/json", result.Context.Response.ContentType);
        return message;
    }

    /// <summary>Sends a request that must fail with <paramref name="status"/> and <paramref name="code"/>; returns the message.</summary>
    public static async Task<string> CallExpectingError(this IAlbaHost host, string method, string url, string? body, int status, string code,
        bool asRoot = true) =>
        await (await host.Call(method, url, body, status, asRoot)).ShouldBeError(code);

    /// <summary>PUT with a raw body, asserting 200; returns the answer.</summary>
    public static async Task<JsonNode> Put(this IAlbaHost host, string path, string body) =>
        await (await host.Call("PUT", $"/v1/secrets/{path}", body)).Json();

    public static Task Post(this IAlbaHost host, string operation, string path, string? body = null) =>
        host.Call("POST", $"/v1/{operation}/{path}", body, 204);

    public static string Str(this JsonNode? node) => node!.GetValue<string>();

    public static int Int(this JsonNode? node) => node!.GetValue<int>();

    public static string[] Keys(this JsonNode? node) => [.. node!.AsObject().Select(p => p.Key)];

    /// <summary>ISO 8601 UTC with microseconds, as the contract promises.</summary>
    public static void AssertTime(JsonNode? node)
    {
        Assert.NotNull(node);
        Assert.Matches(TimeFormat(), node.GetValue<string>());
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")]
    private static partial Regex TimeFormat();
}
