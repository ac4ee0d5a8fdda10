namespace ScaiVault.Domain.Audit;

/// <summary>
/// One audited request. Stream key = the chain (<c>audit:&lt;node&gt;-&lt;start&gt;</c>, one per API process and
/// tenant), tenant = Marten's conjoined tenancy. Holds who, what, where, when and how it ended — never a
/// value, a token or a request body; a token is referred to by <see cref="TokenHmac"/> only.
/// <see cref="Hash"/> chains the entry to the previous one of its chain (<see cref="AuditChain"/>).
/// </summary>
public sealed record AuditEntryRecorded(
    string ChainId,
    long Sequence,
    string PrevHash,
    string Hash,
    string RequestId,
    DateTimeOffset At,
    string TenantId,
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
    string? UserAgent);

/// <summary>How a request ended, from its status code.</summary>
public static class AuditOutcome
{
    public const string Success = "success";
    /// <summary>401 and 403: the caller was not let in or not allowed.</summary>
    public const string Denied = "denied";
    /// <summary>Any other 4xx: the request could not be served as asked (malformed, not found, conflict, too large).</summary>
    public const string Invalid = "invalid";
    /// <summary>5xx.</summary>
    public const string Error = "error";

    public static readonly string[] All = [Success, Denied, Invalid, Error];

    public static string From(int status) => status switch
    {
        401 or 403 => Denied,
        >= 500 => Error,
        >= 400 => Invalid,
        _ => Success,
    };
}
