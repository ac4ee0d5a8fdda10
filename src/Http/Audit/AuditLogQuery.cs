using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Marten;
using ScaiVault.Domain.Audit;
using ScaiVault.Http.Errors;
using ScaiVault.Projections.Audit;

namespace ScaiVault.Http.Audit;

/// <summary>The filters of <c>GET /v1/audit/logs</c>, read from the query string and checked.</summary>
public sealed record AuditLogFilter(
    string? IdentityId, string? Path, string? PathPrefix, string? Action, string? Outcome, string? RequestId, string? TokenHmac,
    DateTimeOffset? From, DateTimeOffset? To, int Limit, (DateTimeOffset At, Guid Id)? After)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    private static readonly string[] Known =
        ["identity_id", "path", "path_prefix", "action", "outcome", "request_id", "token_hmac", "from", "to", "limit", "cursor"];

    public static (AuditLogFilter? Filter, ApiError? Error) Read(IQueryCollection query, DateTimeOffset now)
    {
        foreach (var key in query.Keys)
        {
            if (!Known.Contains(key)) return Fail($"Unknown query parameter '{Trim(key)}'; the filters are {string.Join(", ", Known)}.");
            if (query[key].Count > 1) return Fail($"'{key}' is given more than once.");
        }
        string? Text(string key) => query[key].ToString() is { Length: > 0 } v ? v : null;

        foreach (var key in (string[])["identity_id", "path", "path_prefix", "action", "request_id", "token_hmac"])
            if (Text(key) is { Length: > 512 }) return Fail($"'{key}' is longer than 512 characters.");
        var outcome = Text("outcome");
        if (outcome is not null && !AuditOutcome.All.Contains(outcome))
            return Fail($"outcome must be one of {string.Join(", ", AuditOutcome.All)}.");

        DateTimeOffset? from = null, to = null;
        if (Text("from") is { } rawFrom)
        {
            if (!RelativeTime.TryParse(rawFrom, now, out var f)) return BadTime("from");
            from = f;
        }
        if (Text("to") is { } rawTo)
        {
            if (!RelativeTime.TryParse(rawTo, now, out var t)) return BadTime("to");
            to = t;
        }
        if (from > to) return (null, new ApiError(400, ErrorCodes.InvalidTime, "from is later than to."));

        var limit = DefaultLimit;
        if (Text("limit") is { } rawLimit &&
            (!int.TryParse(rawLimit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
            return Fail($"limit must be a whole number from 1 to {MaxLimit}.");

        (DateTimeOffset, Guid)? after = null;
        if (Text("cursor") is { } rawCursor)
        {
            if (!TryReadCursor(rawCursor, out var position))
                return (null, ApiError.BadRequest("invalid_cursor", "The cursor was not handed out by this endpoint; start again without it."));
            after = position;
        }

        return (new AuditLogFilter(Text("identity_id"), Text("path"), Text("path_prefix"), Text("action"), outcome, Text("request_id"),
            Text("token_hmac"), from, to, limit, after), null);
    }

    public static string Cursor(AuditLogEntry last) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"a1:{last.At.UtcTicks}:{last.Id:N}"));

    private static bool TryReadCursor(string raw, out (DateTimeOffset, Guid) position)
    {
        position = default;
        if (raw.Length > 128) return false;
        try
        {
            var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(raw)).Split(':');
            if (parts.Length != 3 || parts[0] != "a1" || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks || !Guid.TryParseExact(parts[2], "N", out var id))
                return false;
            position = (new DateTimeOffset(ticks, TimeSpan.Zero), id);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static (AuditLogFilter?, ApiError?) Fail(string message) => (null, ApiError.BadRequest(ErrorCodes.InvalidRequest, message));

    private static (AuditLogFilter?, ApiError?) BadTime(string key) => (null, new ApiError(400, ErrorCodes.InvalidTime,
        $"{key} must be ISO 8601 (2026-11-23T20:00:00Z), 'now', or a time ago: '1 hour ago', '15m', '2d'."));

    private static string Trim(string key) => key.Length > 40 ? key[..40] + "…" : key;
}

/// <summary>
/// Reads the audit log view newest first, one page at a time. Plain SQL over the duplicated columns,
/// so every filter is an indexed column and LIKE escaping is under our control (paths may hold '_').
/// </summary>
public static class AuditLogQuery
{
    public static async Task<IReadOnlyList<AuditLogEntry>> PageAsync(IDocumentStore store, string tenant, AuditLogFilter f, CancellationToken ct)
    {
        var where = new StringBuilder("d.tenant_id = ?");
        var args = new List<object> { tenant };
        void Add(string clause, object value)
        {
            where.Append(" and ").Append(clause);
            args.Add(value);
        }
        if (f.IdentityId is not null) Add("d.identity_id = ?", f.IdentityId);
        if (f.Path is not null) Add("d.path = ?", f.Path);
        if (f.PathPrefix is not null) Add(@"d.path like ? escape '\'", EscapeLike(f.PathPrefix) + "%");
        if (f.Action is not null) Add("d.action = ?", f.Action);
        if (f.Outcome is not null) Add("d.outcome = ?", f.Outcome);
        if (f.RequestId is not null) Add("d.request_id = ?", f.RequestId);
        if (f.TokenHmac is not null) Add("d.token_hmac = ?", f.TokenHmac);
        if (f.From is { } from) Add("d.at >= ?", from);
        if (f.To is { } to) Add("d.at <= ?", to);
        if (f.After is { } after)
        {
            where.Append(" and (d.at, d.id) < (?, ?)");
            args.Add(after.At);
            args.Add(after.Id);
        }
        where.Append(" order by d.at desc, d.id desc limit ").Append(f.Limit + 1);

        await using var session = store.QuerySession(tenant);
        return await session.QueryAsync<AuditLogEntry>(where.ToString(), ct, [.. args]);
    }

    private static string EscapeLike(string value) => value.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
