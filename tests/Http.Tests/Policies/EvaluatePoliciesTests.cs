using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Policies;

/// <summary>
/// POST /v1/policies/evaluate, and through it PolicyStore.EvaluateAsync: which policies apply (bound directly
/// or through a group), in which order, and the rule that decided.
/// </summary>
public sealed class EvaluatePoliciesTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Alice = "identity:alice";
    private const string Billing = "group:billing";

    [Fact]
    public async Task Evaluate_PolicyBoundToTheIdentity_Decides()
    {
        await Host.CreatePolicy("readers");
        await Host.Bind("readers", Alice);

        Assert.Equal((true, "readers", 0), await Host.Evaluate("read", "apps/billing/db", Alice));
        Assert.Equal((true, "readers", 0), await Host.Evaluate("list", "apps/billing/a/b", Alice, "group:unrelated"));
    }

    [Fact]
    public async Task Evaluate_PolicyBoundToAGroup_DecidesForItsMembers()
    {
        await Host.CreatePolicy("readers");
        await Host.Bind("readers", Billing);

        Assert.Equal((true, "readers", 0), await Host.Evaluate("read", "apps/billing/db", Alice, Billing));
        // the same identity without the group: nothing applies
        Assert.Equal((false, null, null), await Host.Evaluate("read", "apps/billing/db", Alice));
    }

    [Fact]
    public async Task Evaluate_ServiceAccountIdentity_IsBoundLikeAnyOther()
    {
        await Host.CreatePolicy("deployers", """[{"path": "apps/*/deploy-*", "actions": ["read", "write"], "effect": "allow"}]""");
        await Host.Bind("deployers", "identity:sa:billing-prod");

        Assert.Equal((true, "deployers", 0), await Host.Evaluate("write", "apps/billing/deploy-key", "identity:sa:billing-prod"));
        Assert.Equal((false, null, null), await Host.Evaluate("write", "apps/billing/deploy-key", "identity:sa:billing-dev"));
        Assert.Equal((false, null, null), await Host.Evaluate("write", "apps/billing/deploy-key", "identity:sa"));
    }

    [Fact]
    public async Task Evaluate_UnboundPolicy_DoesNotApply()
    {
        await Host.CreatePolicy("readers");
        Assert.Equal((false, null, null), await Host.Evaluate("read", "apps/billing/db", Alice, Billing));

        await Host.Bind("readers", Billing);
        await Host.Call("DELETE", $"/v1/policies/readers/bindings/{Billing}", status: 204);
        Assert.Equal((false, null, null), await Host.Evaluate("read", "apps/billing/db", Alice, Billing));
    }

    [Fact]
    public async Task Evaluate_NoMatchingRule_IsDefaultDeny()
    {
        await Host.CreatePolicy("readers");
        await Host.Bind("readers", Alice);

        Assert.Equal((false, null, null), await Host.Evaluate("write", "apps/billing/db", Alice));
        Assert.Equal((false, null, null), await Host.Evaluate("read", "apps/billing", Alice)); // '**' at the end needs one more segment
        Assert.Equal((false, null, null), await Host.Evaluate("read", "apps/payroll/db", Alice));
    }

    [Fact]
    public async Task Evaluate_NoSubjects_IsDefaultDeny()
    {
        await Host.CreatePolicy("readers");
        await Host.Bind("readers", Alice);
        Assert.Equal((false, null, null), await Host.Evaluate("read", "apps/billing/db"));
    }

    [Fact]
    public async Task Evaluate_AcrossPolicies_LowerPriorityFirst_ThenOrdinalName_ThenRuleOrder()
    {
        // "z-deny" has the lower priority: it is taken first although its name sorts last
        await Host.CreatePolicy("a-allow", """[{"path": "apps/**", "actions": ["read"], "effect": "allow"}]""", priority: 100);
        await Host.CreatePolicy("z-deny", """
            [{"path": "apps/*/public", "actions": ["read"], "effect": "allow"},
             {"path": "apps/billing/**", "actions": ["read"], "effect": "deny"}]
            """, priority: 10);
        // same priority as "a-allow": ordinal order puts "B-deny" ('B' = 0x42) before "a-allow" ('a' = 0x61)
        await Host.CreatePolicy("B-deny", """[{"path": "apps/payroll/**", "actions": ["read"], "effect": "deny"}]""", priority: 100);
        await Host.Bind("a-allow", Alice);
        await Host.Bind("z-deny", Billing);
        await Host.Bind("B-deny", Billing);

        Assert.Equal((true, "z-deny", 0), await Host.Evaluate("read", "apps/billing/public", Alice, Billing));
        Assert.Equal((false, "z-deny", 1), await Host.Evaluate("read", "apps/billing/db", Alice, Billing));
        Assert.Equal((false, "B-deny", 0), await Host.Evaluate("read", "apps/payroll/db", Alice, Billing));
        Assert.Equal((true, "a-allow", 0), await Host.Evaluate("read", "apps/other/db", Alice, Billing));
        // without the group only "a-allow" applies
        Assert.Equal((true, "a-allow", 0), await Host.Evaluate("read", "apps/billing/db", Alice));
    }

    [Fact]
    public async Task Evaluate_AfterAChange_UsesTheNewRulesAtOnce()
    {
        await Host.CreatePolicy("readers");
        await Host.Bind("readers", Billing);
        Assert.True((await Host.Evaluate("read", "apps/billing/db", Billing)).Allowed);

        await Host.Call("PUT", "/v1/policies/readers", """{"rules": [{"path": "apps/billing/**", "actions": ["read"], "effect": "deny"}]}""");
        Assert.Equal((false, "readers", 0), await Host.Evaluate("read", "apps/billing/db", Billing));
    }

    [Fact]
    public async Task Evaluate_SubjectsAreMatchedExactly()
    {
        await Host.CreatePolicy("readers");
        await Host.Bind("readers", Billing);
        Assert.Equal((false, null, null), await Host.Evaluate("read", "apps/billing/db", "group:Billing"));
        Assert.Equal((false, null, null), await Host.Evaluate("read", "apps/billing/db", "identity:billing"));
        Assert.Equal((false, null, null), await Host.Evaluate("read", "apps/billing/db", "group:billing2"));
    }

    [Theory]
    [InlineData("""{"action": "read", "path": "a"}""", "subjects is required")]
    [InlineData("""{"subjects": "group:x", "action": "read", "path": "a"}""", "subjects must be an array of strings")]
    [InlineData("""{"subjects": ["group:x", "alice"], "action": "read", "path": "a"}""", "subjects[1] must start with")]
    [InlineData("""{"subjects": [], "path": "a"}""", "action is required")]
    [InlineData("""{"subjects": [], "action": "admin", "path": "a"}""", "action must be one of: read, write, list, delete, destroy")]
    [InlineData("""{"subjects": [], "action": "read"}""", "path is required")]
    [InlineData("""{"subjects": [], "action": "read", "path": "a/../b"}""", "path: ")]
    [InlineData("""{"subjects": [], "action": "read", "path": "apps/*"}""", "path: ")]
    [InlineData("""{"subjects": [], "action": "read", "path": "a", "tenant": "other"}""", "'tenant' is not a field")]
    public async Task Evaluate_InvalidBody_Is400NamingTheField(string body, string expected)
    {
        var message = await Host.CallExpectingError("POST", "/v1/policies/evaluate", body, 400, "invalid_request");
        Assert.Contains(expected, message);
    }
}
