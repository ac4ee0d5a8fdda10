using Microsoft.AspNetCore.Routing.Patterns;

namespace ScaiVault.Http.Audit;

/// <summary>
/// The action an audit entry names: what the endpoint set with <c>HttpContext.Audit().Action</c>, else the
/// table below for the routes of this service, else one made from the route (<c>federation.backends.create</c>),
/// so an endpoint added later is audited under a sensible name without touching this file.
/// </summary>
public static class AuditActions
{
    public const string Unmatched = "http.unmatched";

    private static readonly Dictionary<(string Method, string Route), string> Known = new()
    {
        [("GET", "/v1/secrets/{*path}")] = "secret.read",
        [("PUT", "/v1/secrets/{*path}")] = "secret.write",
        [("DELETE", "/v1/secrets/{*path}")] = "secret.delete",
        [("GET", "/v1/secrets")] = "secret.list",
        [("GET", "/v1/metadata/{*path}")] = "secret.metadata.read",
        [("PATCH", "/v1/metadata/{*path}")] = "secret.metadata.write",
        [("POST", "/v1/delete/{*path}")] = "secret.versions.soft_delete",
        [("POST", "/v1/undelete/{*path}")] = "secret.versions.restore",
        [("POST", "/v1/destroy/{*path}")] = "secret.versions.destroy",
        [("GET", "/v1/policies")] = "policy.list",
        [("POST", "/v1/policies")] = "policy.create",
        [("GET", "/v1/policies/{name}")] = "policy.read",
        [("PUT", "/v1/policies/{name}")] = "policy.replace",
        [("DELETE", "/v1/policies/{name}")] = "policy.remove",
        [("POST", "/v1/policies/{name}/bindings")] = "policy.bind",
        [("DELETE", "/v1/policies/{name}/bindings/{subject}")] = "policy.unbind",
        [("POST", "/v1/policies/evaluate")] = "policy.evaluate",
        [("POST", "/v1/identity/webhooks/scaikey")] = "identity.webhook",
        [("GET", "/v1/audit/logs")] = "audit.query",
        [("POST", "/v1/audit/hash")] = "audit.hash",
        [("GET", "/v1/audit/reads")] = "audit.reads",
    };

    public static string For(HttpContext context)
    {
        if (context.Audit().Action is { Length: > 0 } chosen) return chosen;
        if (context.GetEndpoint() is not RouteEndpoint { RoutePattern: var pattern }) return Unmatched;
        var method = context.Request.Method.ToUpperInvariant();
        return Known.TryGetValue((method, pattern.RawText ?? ""), out var known) ? known : FromRoute(method, pattern);
    }

    /// <summary>The literal segments after <c>/v1/</c>, joined with dots, and a verb from the method.</summary>
    public static string FromRoute(string method, RoutePattern pattern)
    {
        var words = pattern.PathSegments
            .Where(s => s.IsSimple && s.Parts[0] is RoutePatternLiteralPart)
            .Select(s => ((RoutePatternLiteralPart)s.Parts[0]).Content.ToLowerInvariant())
            .SkipWhile(w => w == "v1")
            .ToList();
        var endsWithParameter = pattern.PathSegments.Count > 0 && pattern.PathSegments[^1].Parts.Any(p => p is RoutePatternParameterPart);
        var verb = method switch
        {
            "GET" => endsWithParameter ? "read" : "list",
            "POST" => "create",
            "PUT" => "write",
            "PATCH" => "update",
            "DELETE" => "delete",
            _ => method.ToLowerInvariant(),
        };
        return string.Join('.', words.Append(verb));
    }
}
