using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Policies;
using ScaiVault.Http.Tests.Secrets;
using Shouldly;

namespace ScaiVault.Http.Tests.Forensics;

public sealed class ReplayAccessTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Acme = "/t/acme";
    private const string Path = "apps/billing/db";

    // ScaiKey's own times for the deliveries: increasing, so none is dropped as stale.
    private readonly DateTimeOffset _scaiKeyClock = DateTimeOffset.UtcNow.AddMinutes(-10);
    private int _tick;

    private Task Deliver(string type, object data) =>
        Host.PostWebhook(ScaiKeyWebhooks.Delivery(type, data, occurredAt: _scaiKeyClock.AddSeconds(++_tick)));

    private Task BindBilling() => Host.Call("POST", $"{Acme}/v1/policies/billing-read/bindings", """{"subject": "group:billing"}""", 204);

    [Fact]
    public async Task Replay_ScriptedHistory_AnswersEachPointInTime()
    {
        await Host.Call("POST", $"{Acme}/v1/policies",
            """{"name": "billing-read", "rules": [{"path": "apps/billing/**", "actions": ["read"], "effect": "allow"}]}""", 201);
        var noBinding = await Store.Mark("acme");
        await BindBilling();
        var bound = await Store.Mark("acme");
        await Deliver("user.updated", new { user_id = "alice", groups = new[] { "billing" }, roles = Array.Empty<string>(), disabled = false });
        var member = await Store.Mark("acme");
        await Deliver("group.member.removed", new { user_id = "alice", group = "billing" });
        var removedFromGroup = await Store.Mark("acme");
        await Deliver("group.member.added", new { user_id = "alice", group = "billing" });
        var addedBack = await Store.Mark("acme");
        await Host.Call("DELETE", $"{Acme}/v1/policies/billing-read/bindings/group:billing", status: 204);
        var unbound = await Store.Mark("acme");
        await BindBilling();
        var rebound = await Store.Mark("acme");
        await Deliver("user.updated", new { user_id = "alice", groups = new[] { "billing" }, roles = Array.Empty<string>(), disabled = true });
        var disabled = await Store.Mark("acme");
        await Deliver("user.deleted", new { user_id = "alice" });
        var deleted = await Store.Mark("acme");

        await Expect(noBinding, false, "no_matching_rule");
        // Before ScaiKey said anything about alice, her token's groups are what count.
        var fromToken = await Expect(bound, true, "rule", "&token_groups=billing");
        fromToken["policy"].Str().ShouldBe("billing-read");
        fromToken["rule_index"].Int().ShouldBe(0);
        fromToken["identity"]!["known"]!.GetValue<bool>().ShouldBeFalse();
        PoliciesApi.Strings(fromToken["subjects"]).ShouldBe(["identity:alice", "group:billing"]);
        await Expect(bound, false, "no_matching_rule");

        // Once a full profile arrived, it wins over the token's groups.
        await Expect(member, true, "rule");
        await Expect(removedFromGroup, false, "no_matching_rule", "&token_groups=billing");
        await Expect(addedBack, true, "rule");
        await Expect(unbound, false, "no_matching_rule");
        await Expect(rebound, true, "rule");
        await Expect(rebound, false, "no_matching_rule", "&action=write");
        await Expect(disabled, false, "identity_disabled");
        var gone = await Expect(deleted, false, "identity_deleted", "&token_groups=billing");
        gone["identity"]!["deleted"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Replay_Now_AgreesWithALiveRequest()
    {
        await Host.Call("POST", $"{Acme}/v1/policies",
            """{"name": "billing-read", "rules": [{"path": "apps/billing/**", "actions": ["read"], "effect": "allow"}]}""", 201);
        await BindBilling();
        await Deliver("user.updated", new { user_id = "alice", groups = new[] { "billing" }, roles = Array.Empty<string>(), disabled = false });
        var alice = Fixture.Tokens.Mint(sub: "alice", tenant: "acme", groups: ["billing"]);

        (await Host.ReplayAccess("alice", Path, await Store.Mark("acme")))["allowed"]!.GetValue<bool>().ShouldBeTrue();
        await Host.Call("GET", $"/v1/secrets/{Path}", status: 404, asRoot: false, configure: s => s.WithToken(alice));   // allowed, nothing there

        await Deliver("group.member.removed", new { user_id = "alice", group = "billing" });
        (await Host.ReplayAccess("alice", Path, await Store.Mark("acme"), "&token_groups=billing"))["allowed"]!.GetValue<bool>().ShouldBeFalse();
        await (await Host.Call("GET", $"/v1/secrets/{Path}", status: 403, asRoot: false, configure: s => s.WithToken(alice))).ShouldBeError("access_denied");
    }

    [Theory]
    [InlineData("?path=apps/x&at=2026-01-01T00:00:00Z", "invalid_request")]
    [InlineData("?identity_id=alice&at=2026-01-01T00:00:00Z", "invalid_path")]
    [InlineData("?identity_id=alice&path=apps/../x&at=2026-01-01T00:00:00Z", "invalid_path")]
    [InlineData("?identity_id=alice&path=apps/x&at=2026-01-01T00:00:00Z&action=steal", "invalid_request")]
    [InlineData("?identity_id=alice&path=apps/x&at=2026-01-01T00:00:00Z&token_groups=a,,b", "invalid_request")]
    [InlineData("?identity_id=alice&path=apps/x", "invalid_time")]
    public async Task Replay_BadQuery_AnswersAClear400(string query, string code) =>
        await (await Host.Call("GET", $"/v1/audit/replay/access{query}", status: 400)).ShouldBeError(code);

    [Fact]
    public async Task Replay_WithoutAuditScope_IsDenied()
    {
        var token = Fixture.Tokens.Mint(sub: "alice", tenant: "acme", scope: "secrets:read");
        await (await Host.Call("GET", "/v1/audit/replay/access?identity_id=alice&path=apps/x&at=2026-01-01T00:00:00Z", status: 403,
            asRoot: false, configure: s => s.WithToken(token))).ShouldBeError("access_denied");
    }

    private async Task<System.Text.Json.Nodes.JsonNode> Expect(DateTimeOffset at, bool allowed, string reason, string extra = "")
    {
        var answer = await Host.ReplayAccess("alice", Path, at, extra);
        answer["allowed"]!.GetValue<bool>().ShouldBe(allowed, $"at {at:O}{extra}");
        answer["reason"].Str().ShouldBe(reason, $"at {at:O}{extra}");
        return answer;
    }
}
