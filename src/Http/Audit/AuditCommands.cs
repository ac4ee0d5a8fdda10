using JasperFx.CommandLine;
using Marten;
using ScaiVault.Domain.Audit;
using ScaiVault.Http.Auth;

namespace ScaiVault.Http.Audit;

[Description("Verify every audit hash chain from the events and report the first break of each", Name = "audit-verify")]
public sealed class AuditVerifyCommand : JasperFxAsyncCommand<NetCoreInput>
{
    public override async Task<bool> Execute(NetCoreInput input)
    {
        using var host = input.BuildHost();
        var report = await host.Services.GetRequiredService<AuditChainVerifier>().VerifyAsync();
        Console.WriteLine($"audit-verify: {report.Chains} chains, {report.Entries} entries");
        foreach (var b in report.Breaks)
            Console.WriteLine($"BREAK tenant={b.TenantId} chain={b.StreamId} stream_version={b.StreamVersion} sequence={b.Sequence}: {b.Problem}");
        Console.WriteLine(report.Intact ? "audit-verify: every chain is intact" : $"audit-verify: {report.Breaks.Count} chain(s) broken");
        return report.Intact;
    }
}

public sealed class AuditReadsInput : NetCoreInput
{
    [Description("Tenant whose audit events are searched (default: default)")]
    public string TenantFlag { get; set; } = CallerClaims.DefaultTenant;

    [Description("The secret path, exactly")]
    public string PathFlag { get; set; } = "";

    [Description("Start: ISO 8601, 'now', or a time ago ('1 hour ago', '15m')")]
    public string FromFlag { get; set; } = "";

    [Description("End (default now)")]
    public string ToFlag { get; set; } = "now";
}

[Description("Who read a secret path between two times and which version each got, from the audit events", Name = "audit-reads")]
public sealed class AuditReadsCommand : JasperFxAsyncCommand<AuditReadsInput>
{
    public override async Task<bool> Execute(AuditReadsInput input)
    {
        var now = DateTimeOffset.UtcNow;
        if (string.IsNullOrEmpty(input.PathFlag) || !RelativeTime.TryParse(input.FromFlag, now, out var from) || !RelativeTime.TryParse(input.ToFlag, now, out var to))
        {
            Console.Error.WriteLine("usage: audit-reads --path <secret path> --from <time> [--to <time>] [--tenant <tenant>]; times are ISO 8601, 'now' or '1 hour ago' / '15m'");
            return false;
        }

        using var host = input.BuildHost();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var (reads, truncated) = await WhoRead.FindAsync(store, input.TenantFlag, input.PathFlag, from, to, CancellationToken.None);
        // The replay is itself audited, under an identity that names the operating-system user who ran it.
        await AuditWriter.AppendStandaloneAsync(store, new AuditEntryRecorded("", 0, "", "", "cli_" + Guid.NewGuid().ToString("N")[..16], now,
            input.TenantFlag, "cli:" + Environment.UserName, null, null, null, "audit.reads", "CLI", "audit-reads", input.PathFlag, null, null,
            AuditOutcome.Success, 0, null, 0, null, "scaivault audit-reads"));

        Console.WriteLine($"reads of {input.PathFlag} in tenant {input.TenantFlag} from {from:O} to {to:O}:");
        foreach (var r in reads)
            Console.WriteLine($"{r.At:O}  {r.IdentityId}{(r.ActorId is null ? "" : $" (acting: {r.ActorId})")}  version={r.Version?.ToString() ?? "?"}{(r.Source is null ? "" : $" source={r.Source}")}  request={r.RequestId}  client={r.ClientAddress}");
        Console.WriteLine($"{reads.Count} read(s){(truncated ? $", truncated at {WhoRead.MaxReads}" : "")}");
        return true;
    }
}
