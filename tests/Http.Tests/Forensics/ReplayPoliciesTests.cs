using System.Text.Json.Nodes;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Policies;
using ScaiVault.Http.Tests.Secrets;
using Shouldly;

namespace ScaiVault.Http.Tests.Forensics;

public sealed class ReplayPoliciesTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Acme = "/t/acme";

    private static string[] Names(JsonNode replayed) => PoliciesApi.Names(replayed);

    private static JsonNode Policy(JsonNode replayed, string name) =>
        replayed["policies"]!.AsArray().Single(p => p!["name"].Str() == name)!;

    [Fact]
    public async Task Replay_ScriptedHistory_AnswersEachPointInTime()
    {
        const string read = """{"name": "billing", "rules": [{"path": "apps/billing/**", "actions": ["read"], "effect": "allow"}]}""";
        const string write = """{"rules": [{"path": "apps/billing/**", "actions": ["read", "write"], "effect": "allow"}], "priority": 10}""";
        await Host.Call("POST", $"{Acme}/v1/policies", read, 201);
        var before = await Store.BeforeFirst("acme");
        var defined = await Store.Mark("acme");
        await Host.Call("POST", $"{Acme}/v1/policies/billing/bindings", """{"subject": "group:billing"}""", 204);
        var bound = await Store.Mark("acme");
        await Host.Call("PUT", $"{Acme}/v1/policies/billing", write);
        var changed = await Store.Mark("acme");
        await Host.Call("DELETE", $"{Acme}/v1/policies/billing/bindings/group:billing", status: 204);
        var unbound = await Store.Mark("acme");
        await Host.Call("DELETE", $"{Acme}/v1/policies/billing", status: 204);
        var removed = await Store.Mark("acme");
        await Host.Call("POST", $"{Acme}/v1/policies", """{"name": "ops", "rules": [{"path": "ops/**", "actions": ["list"], "effect": "deny"}]}""", 201);
        var other = await Store.Mark("acme");

        Names(await Host.ReplayPolicies(before, Acme)).ShouldBeEmpty();

        var atDefined = Policy(await Host.ReplayPolicies(defined, Acme), "billing");
        PoliciesApi.Strings(atDefined["bindings"]).ShouldBeEmpty();
        atDefined["priority"].Int().ShouldBe(100);

        PoliciesApi.Strings(Policy(await Host.ReplayPolicies(bound, Acme), "billing")["bindings"]).ShouldBe(["group:billing"]);

        var atChanged = Policy(await Host.ReplayPolicies(changed, Acme), "billing");
        atChanged["priority"].Int().ShouldBe(10);
        PoliciesApi.Strings(atChanged["rules"]![0]!["actions"]).ShouldBe(["read", "write"]);
        PoliciesApi.Strings(atChanged["bindings"]).ShouldBe(["group:billing"]);

        PoliciesApi.Strings(Policy(await Host.ReplayPolicies(unbound, Acme), "billing")["bindings"]).ShouldBeEmpty();
        Names(await Host.ReplayPolicies(removed, Acme)).ShouldBeEmpty();
        Names(await Host.ReplayPolicies(other, Acme)).ShouldBe(["ops"]);
    }

    [Fact]
    public async Task Replay_Now_ShowsWhatTheLiveListShows()
    {
        await Host.Call("POST", $"{Acme}/v1/policies", """{"name": "b", "rules": [{"path": "b/**", "actions": ["read"], "effect": "allow"}]}""", 201);
        await Host.Call("POST", $"{Acme}/v1/policies", """{"name": "a", "rules": [{"path": "a/*", "actions": ["list"], "effect": "deny"}]}""", 201);
        await Host.Call("POST", $"{Acme}/v1/policies/b/bindings", """{"subject": "identity:alice"}""", 204);
        var live = await Host.GetJson($"{Acme}/v1/policies");
        var replayed = await Host.ReplayPolicies(await Store.Mark("acme"), Acme);
        JsonNode.DeepEquals(live["policies"], replayed["policies"]).ShouldBeTrue();
    }

    [Fact]
    public async Task Replay_OtherTenant_IsNotSeen()
    {
        await Host.Call("POST", $"{Acme}/v1/policies", """{"name": "b", "rules": [{"path": "b/**", "actions": ["read"], "effect": "allow"}]}""", 201);
        Names(await Host.ReplayPolicies(await Store.Mark("acme"))).ShouldBeEmpty();
    }

    [Fact]
    public async Task Replay_WithoutAuditScope_IsDenied()
    {
        var token = Fixture.Tokens.Mint(sub: "alice", tenant: "acme", scope: "policies:write secrets:read");
        await (await Host.Call("GET", "/v1/audit/replay/policies?at=2026-01-01T00:00:00Z", status: 403, asRoot: false,
            configure: s => s.WithToken(token))).ShouldBeError("access_denied");
        var auditor = Fixture.Tokens.Mint(sub: "auditor", tenant: "acme", scope: "audit:read");
        await Host.Call("GET", "/v1/audit/replay/policies?at=2026-01-01T00:00:00Z", asRoot: false, configure: s => s.WithToken(auditor));
    }

    [Fact]
    public async Task Replay_WithoutTime_AnswersInvalidTime() =>
        await (await Host.Call("GET", "/v1/audit/replay/policies", status: 400)).ShouldBeError("invalid_time");
}
