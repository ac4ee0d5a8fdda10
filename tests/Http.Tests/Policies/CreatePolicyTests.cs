using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;
using static ScaiVault.Http.Tests.Secrets.SecretsApi;

namespace ScaiVault.Http.Tests.Policies;

/// <summary>POST /v1/policies: the documented answer, defaults, and every validation rule naming its field.</summary>
public sealed class CreatePolicyTests(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task Create_ValidPolicy_Answers201WithThePolicyAndItsLocation()
    {
        var result = await Host.Call("POST", "/v1/policies", """
            {"name": "billing-readers", "description": "Read billing", "priority": 50,
             "rules": [{"path": "apps/billing/**", "actions": ["read", "list"], "effect": "allow"},
                       {"path": "apps/billing/prod/*", "actions": ["read"], "effect": "deny"}]}
            """, 201);

        Assert.Equal("/v1/policies/billing-readers", result.Context.Response.Headers.Location.ToString());
        var policy = await result.Json();
        Assert.Equal(["name", "description", "priority", "rules", "bindings", "created_at", "created_by", "updated_at", "updated_by"], policy.Keys());
        Assert.Equal("billing-readers", policy["name"].Str());
        Assert.Equal("Read billing", policy["description"].Str());
        Assert.Equal(50, policy["priority"].Int());
        var rules = policy["rules"]!.AsArray();
        Assert.Equal(2, rules.Count);
        Assert.Equal(["path", "actions", "effect"], rules[0].Keys());
        Assert.Equal("apps/billing/**", rules[0]!["path"].Str());
        Assert.Equal(["read", "list"], PoliciesApi.Strings(rules[0]!["actions"]));
        Assert.Equal("allow", rules[0]!["effect"].Str());
        Assert.Equal("deny", rules[1]!["effect"].Str());
        Assert.Empty(policy["bindings"]!.AsArray());
        Assert.Equal("root", policy["created_by"].Str());
        Assert.Equal("root", policy["updated_by"].Str());
        AssertTime(policy["created_at"]);
        AssertTime(policy["updated_at"]);

        Assert.Equal(policy.ToJsonString(), (await Host.GetJson("/v1/policies/billing-readers")).ToJsonString());
    }

    [Fact]
    public async Task Create_WithoutPriorityOrDescription_DefaultsTo100AndNull()
    {
        var policy = await Host.CreatePolicy("p");
        Assert.Equal(100, policy["priority"].Int());
        Assert.Null(policy["description"]);
    }

    [Fact]
    public async Task Create_EveryAction_IsAcceptedByItsSnakeCaseName()
    {
        var policy = await Host.CreatePolicy("all",
            """[{"path": "**", "actions": ["read", "write", "list", "delete", "destroy"], "effect": "deny"}]""");
        Assert.Equal(["read", "write", "list", "delete", "destroy"], PoliciesApi.Strings(policy["rules"]![0]!["actions"]));
    }

    [Fact]
    public async Task Create_NameTaken_Is409PolicyExists_AndKeepsTheFirst()
    {
        await Host.CreatePolicy("p", priority: 1);
        var message = await Host.CallExpectingError("POST", "/v1/policies",
            """{"name": "p", "rules": [{"path": "**", "actions": ["read"], "effect": "deny"}]}""", 409, "policy_exists");
        Assert.Contains("'p'", message);
        Assert.Equal(1, (await Host.GetJson("/v1/policies/p"))["priority"].Int());
    }

    [Fact]
    public async Task Create_AfterRemoval_DefinesTheNameAgain()
    {
        await Host.CreatePolicy("p");
        await Host.Bind("p", "group:billing");
        await Host.Call("DELETE", "/v1/policies/p", status: 204);

        var again = await Host.CreatePolicy("p", priority: 7);
        Assert.Equal(7, again["priority"].Int());
        Assert.Empty(again["bindings"]!.AsArray());
    }

    [Fact]
    public async Task Create_ConcurrentlyWithOneName_CreatesOnce()
    {
        const string body = """{"name": "raced", "rules": [{"path": "**", "actions": ["read"], "effect": "allow"}]}""";
        var statuses = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
            (await Host.Scenario(s => { s.AsRoot().Post.Url("/v1/policies"); s.RawJson(body); s.IgnoreStatusCode(); })).Context.Response.StatusCode));

        Assert.Equal(1, statuses.Count(s => s == 201));
        Assert.All(statuses.Where(s => s != 201), s => Assert.Equal(409, s));
    }

    public static TheoryData<string, string> InvalidBodies() => new()
    {
        { """{"rules": [{"path": "a", "actions": ["read"], "effect": "allow"}]}""", "name is required" },
        { """{"name": 5, "rules": [{"path": "a", "actions": ["read"], "effect": "allow"}]}""", "name must be a string" },
        { """{"name": "", "rules": [{"path": "a", "actions": ["read"], "effect": "allow"}]}""", "name must not be empty" },
        { """{"name": "a b", "rules": [{"path": "a", "actions": ["read"], "effect": "allow"}]}""", "name may hold only" },
        { """{"name": "a:b", "rules": [{"path": "a", "actions": ["read"], "effect": "allow"}]}""", "name may hold only" },
        { """{"name": "..", "rules": [{"path": "a", "actions": ["read"], "effect": "allow"}]}""", "name must not be" },
        { "{\"name\": \"" + new string('n', 129) + "\", \"rules\": [{\"path\": \"a\", \"actions\": [\"read\"], \"effect\": \"allow\"}]}", "name must be at most 128" },
        { """{"name": "p", "description": 1, "rules": [{"path": "a", "actions": ["read"], "effect": "allow"}]}""", "description must be a string" },
        { """{"name": "p", "description": "a\u0001b", "rules": [{"path": "a", "actions": ["read"], "effect": "allow"}]}""", "description must be at most 1024" },
        { "{\"name\": \"p\", \"description\": \"" + new string('d', 1025) + "\", \"rules\": [{\"path\": \"a\", \"actions\": [\"read\"], \"effect\": \"allow\"}]}", "description must be at most 1024" },
        { """{"name": "p", "priority": "high", "rules": [{"path": "a", "actions": ["read"], "effect": "allow"}]}""", "priority must be a whole number" },
        { """{"name": "p", "priority": 1.5, "rules": [{"path": "a", "actions": ["read"], "effect": "allow"}]}""", "priority must be a whole number" },
        { """{"name": "p", "priority": -1, "rules": [{"path": "a", "actions": ["read"], "effect": "allow"}]}""", "priority must be a whole number from 0 to 10000" },
        { """{"name": "p", "priority": 10001, "rules": [{"path": "a", "actions": ["read"], "effect": "allow"}]}""", "priority must be a whole number from 0 to 10000" },
        { """{"name": "p"}""", "rules is required" },
        { """{"name": "p", "rules": {}}""", "rules must be an array" },
        { """{"name": "p", "rules": []}""", "rules must hold at least one rule" },
        { """{"name": "p", "rules": ["a"]}""", "rules[0] must be an object" },
        { """{"name": "p", "rules": [{"actions": ["read"], "effect": "allow"}]}""", "rules[0].path is required" },
        { """{"name": "p", "rules": [{"path": 1, "actions": ["read"], "effect": "allow"}]}""", "rules[0].path must be a string" },
        { """{"name": "p", "rules": [{"path": "a", "actions": ["read"], "effect": "allow"}, {"path": "a**", "actions": ["read"], "effect": "allow"}]}""", "rules[1].path: '**' must be a whole segment" },
        { """{"name": "p", "rules": [{"path": "a//b", "actions": ["read"], "effect": "allow"}]}""", "rules[0].path: The pattern has an empty segment" },
        { """{"name": "p", "rules": [{"path": "", "actions": ["read"], "effect": "allow"}]}""", "rules[0].path: The pattern is empty" },
        { """{"name": "p", "rules": [{"path": "a b", "actions": ["read"], "effect": "allow"}]}""", "rules[0].path: The pattern may hold only" },
        { """{"name": "p", "rules": [{"path": "a", "effect": "allow"}]}""", "rules[0].actions is required" },
        { """{"name": "p", "rules": [{"path": "a", "actions": "read", "effect": "allow"}]}""", "rules[0].actions must be an array of strings" },
        { """{"name": "p", "rules": [{"path": "a", "actions": [], "effect": "allow"}]}""", "rules[0].actions must name at least one of: read, write, list, delete, destroy" },
        { """{"name": "p", "rules": [{"path": "a", "actions": ["read", "Read"], "effect": "allow"}]}""", "rules[0].actions[1] is not an action" },
        { """{"name": "p", "rules": [{"path": "a", "actions": ["admin"], "effect": "allow"}]}""", "rules[0].actions[0] is not an action" },
        { """{"name": "p", "rules": [{"path": "a", "actions": ["read"]}]}""", "rules[0].effect is required" },
        { """{"name": "p", "rules": [{"path": "a", "actions": ["read"], "effect": "permit"}]}""", "rules[0].effect must be allow or deny" },
        { """{"name": "p", "rules": [{"path": "a", "actions": ["read"], "effect": "Allow"}]}""", "rules[0].effect must be allow or deny" },
        { """{"name": "p", "rules": [{"path": "a", "actions": ["read"], "effect": "allow", "when": "x"}]}""", "'when' is not a field of rules[0]" },
        { """{"name": "p", "bindings": [], "rules": [{"path": "a", "actions": ["read"], "effect": "allow"}]}""", "'bindings' is not a field of this request" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Create_InvalidBody_Is400InvalidRequestNamingTheField(string body, string expected)
    {
        var message = await Host.CallExpectingError("POST", "/v1/policies", body, 400, "invalid_request");
        Assert.Contains(expected, message);
        Assert.Empty((await Host.GetJson("/v1/policies"))["policies"]!.AsArray());
    }

    [Fact]
    public async Task Create_OneHundredRules_IsAccepted_AndOneHundredAndOneAreNot()
    {
        static string Rules(int n) => "[" + string.Join(",", Enumerable.Range(0, n).Select(i => $$"""{"path": "apps/a{{i}}", "actions": ["read"], "effect": "allow"}""")) + "]";

        var policy = await Host.CreatePolicy("hundred", Rules(100));
        Assert.Equal(100, policy["rules"]!.AsArray().Count);

        var message = await Host.CallExpectingError("POST", "/v1/policies", $$"""{"name": "too-many", "rules": {{Rules(101)}}}""", 400, "invalid_request");
        Assert.Contains("rules holds 101 rules; at most 100", message);
    }

    [Theory]
    [InlineData("", "invalid_json")]
    [InlineData("[]", "invalid_json")]
    [InlineData("{\"name\": \"p\", \"name\": \"q\", \"rules\": []}", "invalid_json")]
    [InlineData("{not json", "invalid_json")]
    public async Task Create_BodyThatIsNotOneJsonObject_Is400InvalidJson(string body, string code) =>
        await Host.CallExpectingError("POST", "/v1/policies", body, 400, code);
}
