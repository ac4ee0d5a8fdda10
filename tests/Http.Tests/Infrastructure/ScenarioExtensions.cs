using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;

namespace ScaiVault.Http.Tests.Infrastructure;

public static class ScenarioExtensions
{
    /// <summary>Adds the bootstrap root token, as every client of ScaiVault must.</summary>
    public static Scenario AsRoot(this Scenario scenario)
    {
        scenario.WithRequestHeader("Authorization", $"Bearer {AppFixture.RootToken}");
        return scenario;
    }

    /// <summary>Sends a bearer token (a JWT minted by <see cref="TestTokens"/>, or anything hostile).</summary>
    public static Scenario WithToken(this Scenario scenario, string token)
    {
        scenario.WithRequestHeader("Authorization", $"Bearer {token}");
        return scenario;
    }

    /// <summary>The send expression for an HTTP method given by name (for table-driven tests).</summary>
    public static IUrlExpression Method(this Scenario scenario, string method) => method switch
    {
        "GET" => scenario.Get,
        "PUT" => scenario.Put,
        "POST" => scenario.Post,
        "PATCH" => scenario.Patch,
        "DELETE" => scenario.Delete,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    /// <summary>Sends a raw body (for hostile input: exact bytes, no serializer in between).</summary>
    public static void RawJson(this Scenario scenario, string body) => scenario.Body.TextIs(body);

    public static async Task<JsonNode> Json(this IScenarioResult result) =>
        JsonNode.Parse(await result.ReadAsTextAsync()) ?? throw new InvalidOperationException("empty body");

    public static async Task<string> ErrorCode(this IScenarioResult result) =>
        (await result.Json())["error"]!["code"]!.GetValue<string>();

    /// <summary>
    /// Defines a policy in a tenant (through the root token and the partner prefix) and binds it to a
    /// subject (<c>identity:alice</c>, <c>group:billing</c>). Rules: (path, actions, effect) triples.
    /// </summary>
    public static async Task GrantPolicy(this IAlbaHost host, string tenant, string name, string subject,
        params (string Path, string[] Actions, string Effect)[] rules)
    {
        var body = JsonSerializer.Serialize(new
        {
            name,
            rules = rules.Select(r => new { path = r.Path, actions = r.Actions, effect = r.Effect }),
        });
        await host.Scenario(s =>
        {
            s.AsRoot().Post.Url($"/t/{tenant}/v1/policies");
            s.Body.TextIs(body);
            s.StatusCodeShouldBe(201);
        });
        await host.Scenario(s =>
        {
            s.AsRoot().Post.Url($"/t/{tenant}/v1/policies/{name}/bindings");
            s.Body.TextIs(JsonSerializer.Serialize(new { subject }));
            s.StatusCodeShouldBe(204);
        });
    }

    /// <summary>Every action on every path of the tenant, for tests about something other than policies.</summary>
    public static Task AllowEverything(this IAlbaHost host, string tenant, string subject) =>
        host.GrantPolicy(tenant, "allow-all-" + Guid.NewGuid().ToString("N")[..8], subject,
            ("**", ["read", "write", "list", "delete", "destroy"], "allow"));

    /// <summary>Writes a json secret through the API and returns the version it got.</summary>
    public static async Task<int> PutSecret(this IAlbaHost host, string path, object data, string type = "json", object? metadata = null, object? options = null)
    {
        var body = JsonSerializer.Serialize(new { data, secret_type = type, metadata, options },
            new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });
        var result = await host.Scenario(s =>
        {
            s.AsRoot().Put.Url($"/v1/secrets/{path}");
            s.Body.TextIs(body);
            s.StatusCodeShouldBeOk();
        });
        return (await result.Json())["version"]!.GetValue<int>();
    }
}
