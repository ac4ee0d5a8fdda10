using Alba;
using Marten;
using ScaiVault.Domain.Identities;
using DomainIdentity = ScaiVault.Domain.Identities.Identity;
using ScaiVault.Http.Identities;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;
using Shouldly;

namespace ScaiVault.Http.Tests.Identities;

public sealed class ScaiKeyWebhookTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private IdentityCache Cache => Host.Services.GetRequiredService<IdentityCache>();

    private Task<CachedIdentity?> Alice(string tenant = "acme") => Cache.GetAsync(tenant, "alice", TestContext.Current.CancellationToken);

    // Every event but the audit entries (each webhook delivery is audited, whatever it changes).
    private async Task<long> EventCount()
    {
        await using var command = Host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().CreateCommand(
            $"select count(*) from {Fixture.Schema}.mt_events where type <> 'audit_entry_recorded'");
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    [Fact]
    public async Task UserUpdated_ValidDelivery_UpdatesTheCache()
    {
        var result = await Host.PostWebhook(ScaiKeyWebhooks.UserUpdated("alice", ["billing", "ops"], ["reader"]));

        (await result.Json())["status"]!.GetValue<string>().ShouldBe("applied");
        var alice = (await Alice()).ShouldNotBeNull();
        alice.Groups.ShouldBe(["billing", "ops"]);
        alice.Roles.ShouldBe(["reader"]);
        alice.Disabled.ShouldBeFalse();
        alice.Deleted.ShouldBeFalse();
        alice.ProfileKnown.ShouldBeTrue();
        (await Alice("other")).ShouldBeNull();
    }

    [Fact]
    public async Task UserUpdated_Disabled_IsCached()
    {
        await Host.PostWebhook(ScaiKeyWebhooks.UserUpdated("alice", ["billing"], disabled: true));
        (await Alice()).ShouldNotBeNull().Disabled.ShouldBeTrue();
    }

    public static TheoryData<string, int, string> Forgeries => new()
    {
        { "bad-signature", 401, "invalid_signature" },
        { "missing-header", 401, "invalid_signature" },
        { "malformed-header", 401, "invalid_signature" },
        { "no-v1", 401, "invalid_signature" },
        { "two-headers", 401, "invalid_signature" },
        { "wrong-secret", 401, "invalid_signature" },
        { "tampered-body", 401, "invalid_signature" },
        { "expired", 401, "signature_expired" },
        { "future", 401, "signature_expired" },
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task Webhook_Forged_IsRejectedAndChangesNothing(string forgery, int status, string code)
    {
        var body = ScaiKeyWebhooks.UserUpdated("alice", ["admins"], ["admin"]);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var result = await Host.Scenario(s =>
        {
            s.Post.Url(ScaiKeyWebhooks.Url);
            var sent = forgery == "tampered-body" ? body.Replace("admins", "admin5") : body;
            s.Body.TextIs(sent);
            string? header = forgery switch
            {
                "bad-signature" => $"t={now},v1={new string('a', 64)}",
                "missing-header" or "two-headers" => null,
                "malformed-header" => "v1=" + ScaiKeyWebhooks.Signature(body),
                "no-v1" => $"t={now}",
                "wrong-secret" => ScaiKeyWebhooks.Signature(body, secret: "not-the-secret"),
                "expired" => ScaiKeyWebhooks.Signature(body, now - 301),
                "future" => ScaiKeyWebhooks.Signature(body, now + 600),
                _ => ScaiKeyWebhooks.Signature(body),
            };
            if (header is not null) s.WithRequestHeader(ScaiKeyWebhooks.Header, header);
            if (forgery == "two-headers")
                s.ConfigureHttpContext(c => c.Request.Headers[ScaiKeyWebhooks.Header] =
                    new Microsoft.Extensions.Primitives.StringValues([ScaiKeyWebhooks.Signature(body, now), ScaiKeyWebhooks.Signature(body, now)]));
            s.StatusCodeShouldBe(status);
        });

        await result.ShouldBeError(code);
        (await result.ReadAsTextAsync()).ShouldNotContain("admins");
        (await Alice()).ShouldBeNull();
        (await EventCount()).ShouldBe(0);
    }

    [Fact]
    public async Task Webhook_ReplayedId_IsRejectedAndChangesNothing()
    {
        var first = ScaiKeyWebhooks.UserUpdated("alice", ["billing"], id: "evt_1", occurredAt: DateTimeOffset.UtcNow.AddSeconds(-30));
        await Host.PostWebhook(first);
        var events = await EventCount();

        await (await Host.PostWebhook(first, 409)).ShouldBeError("webhook_replayed");
        // a new, validly signed body reusing the id is refused just the same
        var reused = ScaiKeyWebhooks.UserUpdated("alice", ["admins"], ["admin"], id: "evt_1");
        await (await Host.PostWebhook(reused, 409)).ShouldBeError("webhook_replayed");

        (await Alice()).ShouldNotBeNull().Groups.ShouldBe(["billing"]);
        (await EventCount()).ShouldBe(events);
    }

    [Fact]
    public async Task GroupMember_AddedThenRemoved_TakesEffectEachTime()
    {
        var now = DateTimeOffset.UtcNow.AddSeconds(-60);
        await Host.PostWebhook(ScaiKeyWebhooks.UserUpdated("alice", ["ops"], occurredAt: now));

        await Host.PostWebhook(ScaiKeyWebhooks.Delivery("group.member.added", new { group = "billing", user_id = "alice" }, occurredAt: now.AddSeconds(1)));
        (await Alice()).ShouldNotBeNull().Groups.ShouldBe(["billing", "ops"]);

        await Host.PostWebhook(ScaiKeyWebhooks.Delivery("group.member.removed", new { group = "billing", user_id = "alice" }, occurredAt: now.AddSeconds(2)));
        (await Alice()).ShouldNotBeNull().Groups.ShouldBe(["ops"]);
    }

    [Fact]
    public async Task GroupMember_RemovalDeliveredBeforeAnOlderAdd_StaysRemoved()
    {
        var now = DateTimeOffset.UtcNow.AddSeconds(-60);
        await Host.PostWebhook(ScaiKeyWebhooks.UserUpdated("alice", [], occurredAt: now));
        await Host.PostWebhook(ScaiKeyWebhooks.Delivery("group.member.removed", new { group = "billing", user_id = "alice" }, occurredAt: now.AddSeconds(2)));

        var late = await Host.PostWebhook(ScaiKeyWebhooks.Delivery("group.member.added", new { group = "billing", user_id = "alice" }, occurredAt: now.AddSeconds(1)));

        (await late.Json())["status"]!.GetValue<string>().ShouldBe("unchanged");
        (await Alice()).ShouldNotBeNull().Groups.ShouldBeEmpty();
    }

    [Fact]
    public async Task UserDeleted_MarksTheIdentityDeleted()
    {
        var now = DateTimeOffset.UtcNow.AddSeconds(-60);
        await Host.PostWebhook(ScaiKeyWebhooks.UserUpdated("alice", ["billing"], ["admin"], occurredAt: now));

        await Host.PostWebhook(ScaiKeyWebhooks.Delivery("user.deleted", new { user_id = "alice" }, occurredAt: now.AddSeconds(1)));

        var alice = (await Alice()).ShouldNotBeNull();
        alice.Deleted.ShouldBeTrue();
        alice.Groups.ShouldBeEmpty();
        alice.Roles.ShouldBeEmpty();
    }

    [Fact]
    public async Task Webhook_UnknownType_IsAcceptedAndIgnored()
    {
        var body = ScaiKeyWebhooks.Delivery("user.mfa.enrolled", new { user_id = "alice", factor = "totp" });

        var result = await Host.PostWebhook(body, 202);

        (await result.Json())["status"]!.GetValue<string>().ShouldBe("ignored");
        (await Alice()).ShouldBeNull();
        (await EventCount()).ShouldBe(0);
    }

    public static TheoryData<string> InvalidDeliveries => new()
    {
        ScaiKeyWebhooks.UserUpdated("alice", ["billing"], tenant: "ACME"),
        ScaiKeyWebhooks.UserUpdated("alice", ["billing"], tenant: "acme\n"),
        ScaiKeyWebhooks.UserUpdated("", ["billing"]),
        ScaiKeyWebhooks.UserUpdated(new string('a', 257), ["billing"]),
        ScaiKeyWebhooks.UserUpdated("ali\u0007ce", ["billing"]),
        ScaiKeyWebhooks.UserUpdated("alice", [""]),
        ScaiKeyWebhooks.UserUpdated("alice", ["billing"], occurredAt: DateTimeOffset.UtcNow.AddHours(1)),
        ScaiKeyWebhooks.Delivery("user.updated", new { user_id = "alice", groups = new[] { "billing" } }),
        ScaiKeyWebhooks.Delivery("group.member.added", new { user_id = "alice", group = 7 }),
        ScaiKeyWebhooks.Delivery("user.deleted", new { user_id = "alice" }, id: "evt with spaces"),
        """{"id": "evt_1", "type": "user.deleted", "occurred_at": "2025-01-01T12:00:00", "tenant_id": "acme", "data": {"user_id": "alice"}}""",
    };

    [Theory]
    [MemberData(nameof(InvalidDeliveries))]
    public async Task Webhook_SignedButInvalid_IsRefusedAndChangesNothing(string body)
    {
        await (await Host.PostWebhook(body, 400)).ShouldBeError("invalid_request");
        (await EventCount()).ShouldBe(0);
    }

    [Fact]
    public async Task Webhook_SignedButNotStrictJson_IsRefused()
    {
        const string body = """{"id": "evt_1", "id": "evt_2", "type": "user.deleted"}""";
        await (await Host.PostWebhook(body, 400)).ShouldBeError("invalid_json");
    }

    [Fact]
    public async Task Webhook_InOneTenant_DoesNotTouchAnother()
    {
        await Host.PostWebhook(ScaiKeyWebhooks.UserUpdated("alice", ["billing"], tenant: "tenant-b"));
        (await Alice("tenant-b")).ShouldNotBeNull().Groups.ShouldBe(["billing"]);
        (await Alice("acme")).ShouldBeNull();
    }

    [Fact]
    public async Task IdentityStreams_UseTheirOwnKeys()
    {
        await Host.PostWebhook(ScaiKeyWebhooks.UserUpdated("alice", ["billing"]));
        await using var session = Store.QuerySession("acme");
        (await session.Events.FetchStreamStateAsync(DomainIdentity.KeyFor("alice"), TestContext.Current.CancellationToken)).ShouldNotBeNull();
        (await session.LoadAsync<WebhookDelivery>("evt_missing", TestContext.Current.CancellationToken)).ShouldBeNull();
    }
}
