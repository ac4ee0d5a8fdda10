using System.Text.Json.Nodes;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;
using Shouldly;

namespace ScaiVault.Http.Tests.Forensics;

public sealed class ReplaySecretTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Path = "apps/billing/db";

    /// <summary>
    /// A scripted life of one secret, with the instant after each step read back from the event store:
    /// v1 (tagged), v2, v2 soft-deleted, metadata changed, v1 destroyed, the whole secret deleted, v3 written anew.
    /// </summary>
    private async Task<(DateTimeOffset Before, DateTimeOffset V1, DateTimeOffset V2, DateTimeOffset V2Deleted, DateTimeOffset Described,
        DateTimeOffset V1Destroyed, DateTimeOffset Deleted, DateTimeOffset V3)> History()
    {
        await Host.Put(Path, """{"data": {"password": "s3cr3t-1"}, "metadata": {"tags": ["billing"]}}""");
        var before = await Store.BeforeFirst();
        var v1 = await Store.Mark();
        await Host.Put(Path, """{"data": {"password": "s3cr3t-2"}}""");
        var v2 = await Store.Mark();
        await Host.Post("delete", Path, """{"versions": [2]}""");
        var v2Deleted = await Store.Mark();
        await Host.Call("PATCH", $"/v1/metadata/{Path}", """{"metadata": {"description": "billing database"}}""");
        var described = await Store.Mark();
        await Host.Post("destroy", Path, """{"versions": [1]}""");
        var v1Destroyed = await Store.Mark();
        await Host.Call("DELETE", $"/v1/secrets/{Path}", status: 204);
        var deleted = await Store.Mark();
        await Host.Put(Path, """{"data": {"password": "s3cr3t-3"}}""");
        var v3 = await Store.Mark();
        return (before, v1, v2, v2Deleted, described, v1Destroyed, deleted, v3);
    }

    [Fact]
    public async Task Replay_ScriptedHistory_AnswersEachPointInTime()
    {
        var t = await History();

        await (await Host.Call("GET", $"/v1/audit/replay/secrets/{Path}?at={ForensicsApi.Iso(t.Before)}", status: 404)).ShouldBeError("secret_not_found");

        var atV1 = await Host.ReplaySecret(Path, t.V1);
        atV1["status"].Str().ShouldBe("active");
        atV1["current_version"].Int().ShouldBe(1);
        ForensicsApi.States(atV1).ShouldBe([(1, "active")]);
        atV1["metadata"]!["tags"]!.AsArray().Select(x => x.Str()).ShouldBe(["billing"]);
        atV1["value"].ShouldBeNull();
        atV1["last_event"]!["recorded_at"].Str().ShouldBe(ReplayTime(t.V1));

        var atV2 = await Host.ReplaySecret(Path, t.V2);
        atV2["current_version"].Int().ShouldBe(2);
        ForensicsApi.States(atV2).ShouldBe([(1, "active"), (2, "active")]);

        ForensicsApi.States(await Host.ReplaySecret(Path, t.V2Deleted)).ShouldBe([(1, "active"), (2, "deleted")]);

        var described = await Host.ReplaySecret(Path, t.Described);
        described["metadata"]!["description"].Str().ShouldBe("billing database");
        (await Host.ReplaySecret(Path, t.V2Deleted))["metadata"]!["description"].ShouldBeNull();

        ForensicsApi.States(await Host.ReplaySecret(Path, t.V1Destroyed)).ShouldBe([(1, "destroyed"), (2, "deleted")]);

        var deleted = await Host.ReplaySecret(Path, t.Deleted);
        deleted["status"].Str().ShouldBe("deleted");
        ForensicsApi.States(deleted).ShouldBe([(1, "destroyed"), (2, "destroyed")]);

        var again = await Host.ReplaySecret(Path, t.V3);
        again["status"].Str().ShouldBe("active");
        again["current_version"].Int().ShouldBe(3);
        ForensicsApi.States(again).ShouldBe([(3, "active")]);
    }

    [Fact]
    public async Task Replay_Now_ShowsWhatTheLiveMetadataShows()
    {
        await History();
        var live = (await Host.GetJson($"/v1/metadata/{Path}")).AsObject();
        var replayed = (await Host.ReplaySecret(Path, await Store.Mark())).AsObject();
        foreach (var (name, value) in live)
            JsonNode.DeepEquals(value, replayed[name]).ShouldBeTrue($"{name}: live {value?.ToJsonString()}, replayed {replayed[name]?.ToJsonString()}");
    }

    [Fact]
    public async Task ReplayValue_AsAdmin_ReturnsTheValueReadableThen()
    {
        await Host.Put(Path, """{"data": {"password": "s3cr3t-1"}}""");
        var v1 = await Store.Mark();
        await Host.Put(Path, """{"data": {"password": "s3cr3t-2"}}""");
        var v2 = await Store.Mark();
        await Host.Put(Path, """{"data": {"password": "s3cr3t-3"}}""");
        var v3 = await Store.Mark();

        // Older versions' keys live in their own documents, the current one's in the key ring: both are found.
        var atV1 = (await Host.ReplaySecret(Path, v1, "&include_value=true"))["value"]!;
        atV1["version"].Int().ShouldBe(1);
        atV1["data"]!["password"].Str().ShouldBe("s3cr3t-1");
        (await Host.ReplaySecret(Path, v2, "&include_value=true"))["value"]!["data"]!["password"].Str().ShouldBe("s3cr3t-2");
        (await Host.ReplaySecret(Path, v3, "&include_value=true"))["value"]!["data"]!["password"].Str().ShouldBe("s3cr3t-3");
        (await Host.ReplaySecret(Path, v3, "&include_value=true&version=1"))["value"]!["data"]!["password"].Str().ShouldBe("s3cr3t-1");
    }

    [Theory]
    [InlineData("V2", "&version=1", 410, "value_shredded")]          // readable then, destroyed since: the key is gone
    [InlineData("V2Deleted", "", 404, "version_deleted")]          // the current version then was soft-deleted
    [InlineData("V1Destroyed", "&version=1", 410, "version_destroyed")]
    [InlineData("V2", "&version=3", 404, "unknown_version")]       // written only later
    [InlineData("Deleted", "", 404, "secret_not_found")]
    public async Task ReplayValue_NotReadableThenOrNow_SaysWhy(string when, string version, int status, string code)
    {
        var t = await History();
        var at = when switch { "V2" => t.V2, "V2Deleted" => t.V2Deleted, "V1Destroyed" => t.V1Destroyed, _ => t.Deleted };
        var message = await (await Host.Call("GET", $"/v1/audit/replay/secrets/{Path}?at={ForensicsApi.Iso(at)}&include_value=true{version}", status: status))
            .ShouldBeError(code);
        message.ShouldNotContain("s3cr3t");
    }

    [Fact]
    public async Task ReplayValue_WithoutAdmin_IsRefusedBeforeAnyLookup()
    {
        await Host.Put(Path, """{"data": {"password": "s3cr3t-1"}}""");
        var at = ForensicsApi.Iso(await Store.Mark());
        var auditor = Fixture.Tokens.Mint(sub: "auditor", tenant: "default", scope: "audit:read");

        var metadata = await (await Host.Call("GET", $"/v1/audit/replay/secrets/{Path}?at={at}", asRoot: false,
            configure: s => s.WithToken(auditor))).Json();
        metadata["current_version"].Int().ShouldBe(1);

        foreach (var path in new[] { Path, "apps/never/written" })
            await (await Host.Call("GET", $"/v1/audit/replay/secrets/{path}?at={at}&include_value=true", status: 403, asRoot: false,
                configure: s => s.WithToken(auditor))).ShouldBeError("value_requires_admin");
    }

    [Theory]
    [InlineData("secrets:read secrets:write")]
    [InlineData("policies:write")]
    public async Task Replay_WithoutAuditScope_IsDenied(string scope)
    {
        await Host.Put(Path, """{"data": {"password": "s3cr3t-1"}}""");
        var token = Fixture.Tokens.Mint(sub: "alice", tenant: "default", scope: scope);
        await (await Host.Call("GET", $"/v1/audit/replay/secrets/{Path}?at={ForensicsApi.Iso(await Store.Mark())}", status: 403, asRoot: false,
            configure: s => s.WithToken(token))).ShouldBeError("access_denied");
        await Host.Call("GET", $"/v1/audit/replay/secrets/{Path}?at=2026-01-01T00:00:00Z", status: 401, asRoot: false);
    }

    [Fact]
    public async Task Replay_OffsetWithAnUnencodedPlus_IsReadAsThePlusMeant()
    {
        await Host.Put(Path, """{"data": {"password": "s3cr3t-1"}}""");
        var at = (await Store.Mark()).ToOffset(TimeSpan.FromHours(1));
        var answer = await (await Host.Call("GET", $"/v1/audit/replay/secrets/{Path}?at={at:yyyy-MM-dd'T'HH:mm:ss.ffffff}+01:00")).Json();
        answer["current_version"].Int().ShouldBe(1);
        answer["at"].Str().ShouldBe(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"));
    }

    [Theory]
    [InlineData("", "invalid_time")]
    [InlineData("?at=yesterday", "invalid_time")]
    [InlineData("?at=01/02/2026", "invalid_time")]
    [InlineData("?at=2999-01-01T00:00:00Z", "invalid_time")]
    [InlineData("?at=2026-01-01T00:00:00Z&at=2026-01-02T00:00:00Z", "invalid_request")]
    [InlineData("?at=2026-01-01T00:00:00Z&include_value=yes", "invalid_request")]
    [InlineData("?at=2026-01-01T00:00:00Z&version=2", "invalid_request")]
    [InlineData("?at=2026-01-01T00:00:00Z&include_value=true&version=0", "invalid_version")]
    public async Task Replay_BadQuery_AnswersAClear400(string query, string code) =>
        await (await Host.Call("GET", $"/v1/audit/replay/secrets/{Path}{query}", status: 400)).ShouldBeError(code);

    [Fact]
    public async Task Replay_BadPath_IsInvalidPath() =>
        await (await Host.Call("GET", "/v1/audit/replay/secrets/apps/../db?at=2026-01-01T00:00:00Z", status: 400)).ShouldBeError("invalid_path");

    [Fact]
    public async Task Replay_OtherTenant_SeesOnlyItsOwnEvents()
    {
        await Host.Call("PUT", $"/t/acme/v1/secrets/{Path}", """{"data": {"password": "acme"}}""");
        var at = await Store.Mark("acme");

        await (await Host.Call("GET", $"/v1/audit/replay/secrets/{Path}?at={ForensicsApi.Iso(at)}", status: 404)).ShouldBeError("secret_not_found");
        (await Host.ReplaySecret(Path, at, "&include_value=true", prefix: "/t/acme"))["value"]!["data"]!["password"].Str().ShouldBe("acme");

        var acmeAuditor = Fixture.Tokens.Mint(sub: "auditor", tenant: "acme", scope: "audit:read");
        var seen = await (await Host.Call("GET", $"/v1/audit/replay/secrets/{Path}?at={ForensicsApi.Iso(at)}", asRoot: false,
            configure: s => s.WithToken(acmeAuditor))).Json();
        seen["current_version"].Int().ShouldBe(1);
    }

    private static string ReplayTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");
}
