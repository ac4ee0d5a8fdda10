using System.Text.Json;
using Alba;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Audit;

/// <summary>Every stored audit row (events and the projected log) is scanned for the values and tokens the requests carried.</summary>
public sealed class AuditRowsHoldNoSecretsTests(AppFixture fixture) : AuditContext(fixture)
{
    [Fact]
    public async Task AuditRows_AfterWritesReadsAndHashes_HoldNoValueAndNoToken()
    {
        var values = Enumerable.Range(0, 4).Select(i => $"SECRET-VALUE-{i}-{Guid.NewGuid():N}").ToArray();
        await Host.AllowEverything("acme", "identity:alice");
        var alice = Fixture.Tokens.Mint(sub: "alice", tenant: "acme", scope: "secrets:read secrets:write audit:read");

        await Host.Scenario(s =>
        {
            s.Put.Url("/v1/secrets/apps/scan/json");
            s.WithToken(alice);
            s.Body.TextIs(JsonSerializer.Serialize(new { data = new { password = values[0] } }));
        });
        await Host.Scenario(s =>
        {
            s.Put.Url("/v1/secrets/apps/scan/string");
            s.WithToken(alice);
            s.Body.TextIs(JsonSerializer.Serialize(new { data = values[1], secret_type = "string" }));
        });
        // a rejected write, whose body carried a value
        await Host.Scenario(s =>
        {
            s.Put.Url("/v1/secrets/apps/scan/json");
            s.WithToken(alice);
            s.Body.TextIs(JsonSerializer.Serialize(new { data = new { password = values[2] }, options = new { cas = 99 } }));
            s.StatusCodeShouldBe(409);
        });
        foreach (var url in new[] { "/v1/secrets/apps/scan/json", "/v1/secrets/apps/scan/string" })
            await Host.Scenario(s =>
            {
                s.Get.Url(url);
                s.WithToken(alice);
            });
        await Host.Scenario(s =>
        {
            s.Post.Url("/v1/audit/hash");
            s.WithToken(alice);
            s.Body.TextIs(JsonSerializer.Serialize(new { input = values[3] }));
        });
        await Host.Scenario(s =>
        {
            s.AsRoot().Get.Url("/v1/secrets/apps/nothing?token=" + values[3]);
            s.IgnoreStatusCode();
        });
        await CatchUpAuditLog();

        var rows = await AllAuditRows();
        Assert.True(rows.Count >= 14, $"only {rows.Count} audit rows"); // events and documents of 7+ requests
        foreach (var secret in values.Append(alice).Append(AppFixture.RootToken))
            Assert.DoesNotContain(rows, row => row.Contains(secret, StringComparison.Ordinal));
    }
}
