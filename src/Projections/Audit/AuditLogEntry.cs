using JasperFx.Events;
using Marten;
using Marten.Schema;
using Marten.Events.Projections;
using ScaiVault.Domain.Audit;
using Weasel.Postgresql.Tables;

namespace ScaiVault.Projections.Audit;

/// <summary>
/// One audited request, as <c>GET /v1/audit/logs</c> lists it. The fields the query filters and orders on
/// are duplicated into indexed columns (<see cref="AuditLogIndexes"/>). Never a value or a token.
/// </summary>
public sealed record AuditLogEntry(
    Guid Id,
    string RequestId,
    DateTimeOffset At,
    string IdentityId,
    string? ActorId,
    string? HomeTenantId,
    string? TokenHmac,
    string Action,
    string Method,
    string Target,
    string? Path,
    int? Version,
    string? Source,
    string Outcome,
    int Status,
    string? ErrorCode,
    double DurationMs,
    string? ClientAddress,
    string? UserAgent,
    string ChainId,
    long Sequence)
{
    /// <summary>
    /// Composite indexes, called by Marten for this document type: the tenant first (every query names it),
    /// the filter, then the time, so a filtered page is one index range read in the order it is answered in.
    /// The path also gets a <c>text_pattern_ops</c> index, so a prefix filter (<c>LIKE 'apps/billing/%'</c>)
    /// is an index range scan whatever the database's collation.
    /// </summary>
    public static void ConfigureMarten(DocumentMapping mapping)
    {
        mapping.DuplicateField(nameof(At), pgType: "timestamptz", notNull: true);
        foreach (var field in (string[])[nameof(IdentityId), nameof(Action), nameof(Outcome), nameof(RequestId)])
            mapping.DuplicateField(field, notNull: true);
        mapping.DuplicateField(nameof(Path));
        mapping.DuplicateField(nameof(TokenHmac));
        mapping.Indexes.Clear();
        foreach (var column in (string[])["identity_id", "action", "outcome", "token_hmac", "request_id", "path"])
            mapping.Indexes.Add(new IndexDefinition($"mt_doc_auditlogentry_idx_{column}") { Columns = ["tenant_id", column, "at"] });
        mapping.Indexes.Add(new IndexDefinition("mt_doc_auditlogentry_idx_at") { Columns = ["tenant_id", "at"] });
        mapping.Indexes.Add(new IndexDefinition("mt_doc_auditlogentry_idx_path_prefix") { Columns = ["tenant_id", "path text_pattern_ops"] });
    }
}

/// <summary>One document per audit event, in the event's tenant; asynchronous, so requests never wait for it.</summary>
public partial class AuditLogProjection : EventProjection
{
    public AuditLogEntry Create(IEvent<AuditEntryRecorded> e)
    {
        var a = e.Data;
        return new AuditLogEntry(e.Id, a.RequestId, a.At, a.IdentityId, a.ActorId, a.HomeTenantId, a.TokenHmac, a.Action, a.Method,
            a.Target, a.Path, a.Version, a.Source, a.Outcome, a.Status, a.ErrorCode, a.DurationMs, a.ClientAddress, a.UserAgent,
            a.ChainId, a.Sequence);
    }
}
