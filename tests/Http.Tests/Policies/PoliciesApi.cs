using System.Text.Json.Nodes;
using Alba;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Policies;

/// <summary>Given-state for the policy tests, built through the API.</summary>
internal static class PoliciesApi
{
    public const string ReadBillingRules = """[{"path": "apps/billing/**", "actions": ["read", "list"], "effect": "allow"}]""";

    /// <summary>Creates a policy (asserting 201) and returns the answer.</summary>
    public static async Task<JsonNode> CreatePolicy(this IAlbaHost host, string name, string rules = ReadBillingRules, int? priority = null,
        string? description = null)
    {
        var body = new JsonObject { ["name"] = name, ["rules"] = JsonNode.Parse(rules) };
        if (priority is not null) body["priority"] = priority;
        if (description is not null) body["description"] = description;
        return await (await host.Call("POST", "/v1/policies", body.ToJsonString(), 201)).Json();
    }

    public static Task Bind(this IAlbaHost host, string name, string subject) =>
        host.Call("POST", $"/v1/policies/{name}/bindings", new JsonObject { ["subject"] = subject }.ToJsonString(), 204);

    /// <summary>Asks the evaluate endpoint; returns (allowed, policy, rule_index).</summary>
    public static async Task<(bool Allowed, string? Policy, int? RuleIndex)> Evaluate(this IAlbaHost host, string action, string path,
        params string[] subjects)
    {
        var body = new JsonObject { ["subjects"] = new JsonArray([.. subjects.Select(s => (JsonNode)s)]), ["action"] = action, ["path"] = path };
        var answer = await (await host.Call("POST", "/v1/policies/evaluate", body.ToJsonString())).Json();
        Assert.Equal(["allowed", "policy", "rule_index"], answer.Keys());
        return (answer["allowed"]!.GetValue<bool>(), answer["policy"]?.GetValue<string>(), answer["rule_index"]?.GetValue<int>());
    }

    public static string[] Names(JsonNode list) => [.. list["policies"]!.AsArray().Select(p => p!["name"].Str())];

    public static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(s => s.Str())];
}
