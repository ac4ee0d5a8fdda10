namespace ScaiVault.Http.Audit;

/// <summary>
/// What an endpoint knows about its request that the audit entry needs and the route alone does not
/// tell: the action, the path it was about, the version served. Endpoints fill it in; the audit
/// middleware reads it after the endpoint ran. Never put a value or a token here.
/// </summary>
public sealed class AuditFacts
{
    /// <summary>e.g. <c>secret.read</c>, <c>secret.write</c>, <c>policy.create</c>; null = derived from the route.</summary>
    public string? Action { get; set; }

    /// <summary>The tenant-relative path (secret path, policy name, backend id) the request was about.</summary>
    public string? Path { get; set; }

    /// <summary>The secret version read or written, when there is one.</summary>
    public int? Version { get; set; }

    /// <summary>Where a value came from: null = local storage; <c>federation:&lt;backend id&gt;</c> for proxied reads.</summary>
    public string? Source { get; set; }

    /// <summary>The error code answered, when the request failed.</summary>
    public string? ErrorCode { get; set; }
}

public static class AuditFactsExtensions
{
    /// <summary>The request's audit facts, created on first use.</summary>
    public static AuditFacts Audit(this HttpContext context)
    {
        var facts = context.Features.Get<AuditFacts>();
        if (facts is null)
        {
            facts = new AuditFacts();
            context.Features.Set(facts);
        }
        return facts;
    }
}
