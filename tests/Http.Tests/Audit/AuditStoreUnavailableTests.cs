using Alba;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Audit;

/// <summary>
/// When audit entries cannot be stored, nothing is served: the test makes the store refuse audit events the
/// way a revoked INSERT privilege would (a trigger that raises on exactly those rows; the test database role
/// is a superuser, on whom REVOKE has no effect), then lets it recover.
/// </summary>
public sealed class AuditStoreUnavailableTests(AppFixture fixture) : AuditContext(fixture)
{
    private async Task Sql(string sql)
    {
        await using var command = Database.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private Task RefuseAuditInserts() => Sql($"""
        create or replace function {Fixture.Schema}.refuse_audit() returns trigger language plpgsql as $$
        begin
          if new.type = 'audit_entry_recorded' then raise exception 'permission denied for audit events'; end if;
          return new;
        end $$;
        create trigger refuse_audit before insert on {Fixture.Schema}.mt_events for each row execute function {Fixture.Schema}.refuse_audit();
        """);

    private Task AllowAuditInserts() => Sql($"drop trigger if exists refuse_audit on {Fixture.Schema}.mt_events");

    public override async ValueTask DisposeAsync()
    {
        await AllowAuditInserts();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Read_WhenAuditCannotBeStored_Answers503WithoutTheValue_AndRecovers()
    {
        var value = "must-not-leak-" + Guid.NewGuid().ToString("N");
        await Host.PutSecret("apps/billing/db", new { password = value });

        await RefuseAuditInserts();
        foreach (var url in new[] { "/v1/secrets/apps/billing/db", "/v1/secrets/apps/billing/db?version=1", "/v1/metadata/apps/billing/db" })
        {
            var refused = await Host.Scenario(s =>
            {
                s.AsRoot().Get.Url(url);
                s.StatusCodeShouldBe(503);
            });
            var body = await refused.ReadAsTextAsync();
            Assert.Equal("audit_unavailable", await refused.ErrorCode());
            Assert.DoesNotContain(value, body);
            Assert.DoesNotContain("password", body);
            Assert.Equal("5", refused.Context.Response.Headers.RetryAfter.ToString());
        }

        // A write is refused the same way (its answer, not its effect: see docs/audit.md).
        await Host.Scenario(s =>
        {
            s.AsRoot().Put.Url("/v1/secrets/apps/billing/other");
            s.Body.TextIs("""{"data": {"k": "v"}}""");
            s.StatusCodeShouldBe(503);
        });

        await AllowAuditInserts();
        var served = await Host.Scenario(s => s.AsRoot().Get.Url("/v1/secrets/apps/billing/db"));
        Assert.Contains(value, await served.ReadAsTextAsync());
        var id = served.Context.Response.Headers["X-Request-ID"].ToString();
        Assert.Single(await EntriesFor(id));
        var report = await Host.Services.GetRequiredService<ScaiVault.Http.Audit.AuditChainVerifier>().VerifyAsync(TestContext.Current.CancellationToken);
        Assert.True(report.Intact, string.Join("; ", report.Breaks.Select(b => b.Problem)));
    }
}
