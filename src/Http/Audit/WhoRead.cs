using Marten;
using ScaiVault.Domain.Audit;

namespace ScaiVault.Http.Audit;

/// <summary>
/// Forensic replay: who read a secret path between two times, and which version each got, answered from
/// the audit events themselves (not the audit log view, which could be rebuilt or lag). Successful
/// <c>secret.read</c> entries of that exact path in the tenant, oldest first.
/// </summary>
public static class WhoRead
{
    public const int MaxReads = 10_000;

    public sealed record Read(DateTimeOffset At, string IdentityId, string? ActorId, int? Version, string? Source, string RequestId, string? ClientAddress);

    public static async Task<(IReadOnlyList<Read> Reads, bool Truncated)> FindAsync(
        IDocumentStore store, string tenant, string path, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenant);
        var found = await session.Events.QueryRawEventDataOnly<AuditEntryRecorded>()
            .Where(e => e.TenantId == tenant && e.Path == path && e.Action == "secret.read" && e.Outcome == AuditOutcome.Success
                        && e.At >= from && e.At <= to)
            .OrderBy(e => e.At)
            .Take(MaxReads + 1)
            .ToListAsync(ct);
        var reads = found.Take(MaxReads)
            .Select(e => new Read(e.At, e.IdentityId, e.ActorId, e.Version, e.Source, e.RequestId, e.ClientAddress))
            .ToList();
        return (reads, found.Count > MaxReads);
    }
}
