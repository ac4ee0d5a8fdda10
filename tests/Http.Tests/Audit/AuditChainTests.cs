using Alba;
using ScaiVault.Domain.Audit;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Audit;

public sealed class AuditChainTests(AppFixture fixture) : AuditContext(fixture)
{
    private AuditChainVerifier Verifier => Host.Services.GetRequiredService<AuditChainVerifier>();

    private async Task SomeRequests(int count)
    {
        for (var i = 0; i < count; i++)
            await Host.Scenario(s =>
            {
                s.AsRoot().Get.Url($"/v1/secrets/chain/{i}");
                s.StatusCodeShouldBe(404);
            });
    }

    private async Task<int> Sql(string sql)
    {
        await using var command = Database.CreateCommand(sql);
        return await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private string AuditEventAt(long sequence) =>
        $"select id from {Fixture.Schema}.mt_events where type = 'audit_entry_recorded' and (data ->> 'Sequence')::bigint = {sequence} " +
        $"and tenant_id = 'default' order by seq_id limit 1";

    [Fact]
    public async Task Verify_UntouchedChains_AreIntact()
    {
        await SomeRequests(5);
        var report = await Verifier.VerifyAsync(TestContext.Current.CancellationToken);
        Assert.True(report.Intact, string.Join("; ", report.Breaks.Select(b => b.Problem)));
        Assert.True(report.Entries >= 5);
        Assert.True(report.Chains >= 1);
    }

    [Fact]
    public async Task Verify_AnEditedRow_IsReportedAtThatEntry()
    {
        await SomeRequests(5);
        var edited = await Sql($"update {Fixture.Schema}.mt_events set data = jsonb_set(data, '{{Path}}', '\"chain/innocent\"') where id = ({AuditEventAt(3)})");
        Assert.Equal(1, edited);

        var report = await Verifier.VerifyAsync(TestContext.Current.CancellationToken);
        var chainBreak = Assert.Single(report.Breaks);
        Assert.Equal(3, chainBreak.Sequence);
        Assert.Equal("default", chainBreak.TenantId);
        Assert.StartsWith(AuditWriter.StreamPrefix, chainBreak.StreamId);
        Assert.Contains("was edited", chainBreak.Problem);
    }

    [Fact]
    public async Task Verify_AnEditedRowWithARecomputedHash_BreaksTheNextLink()
    {
        await SomeRequests(5);
        // A careful editor changes an entry and recomputes its hash: the entry is consistent in itself,
        // but the next entry still points at the old hash.
        await using (var read = Database.CreateCommand($"select data::text from {Fixture.Schema}.mt_events where id = ({AuditEventAt(2)})"))
        {
            var json = (string)(await read.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
            var entry = Store.Options.Serializer().FromJson<AuditEntryRecorded>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
            var forged = entry with { Path = "chain/innocent" };
            forged = forged with { Hash = AuditChain.HashOf(forged) };
            await using var write = Database.CreateCommand($"update {Fixture.Schema}.mt_events set data = @data::jsonb where id = ({AuditEventAt(2)})");
            write.Parameters.AddWithValue("data", Store.Options.Serializer().ToJson(forged));
            Assert.Equal(1, await write.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
        }
        var chainBreak = Assert.Single((await Verifier.VerifyAsync(TestContext.Current.CancellationToken)).Breaks);
        Assert.Equal(3, chainBreak.Sequence);
        Assert.Contains("prev_hash", chainBreak.Problem);
    }

    [Fact]
    public async Task Verify_ADeletedRow_IsReportedAsAGap()
    {
        await SomeRequests(5);
        Assert.Equal(1, await Sql($"delete from {Fixture.Schema}.mt_events where id = ({AuditEventAt(2)})"));
        var chainBreak = Assert.Single((await Verifier.VerifyAsync(TestContext.Current.CancellationToken)).Breaks);
        Assert.Equal(3, chainBreak.Sequence);
        Assert.Contains("missing", chainBreak.Problem);
    }
}
