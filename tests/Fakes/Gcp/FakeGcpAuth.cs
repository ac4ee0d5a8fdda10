using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ScaiVault.Fakes.Gcp;

// The two token sources of GCP as a client meets them (reference §4.4): the OAuth token endpoint of the
// service-account JWT-bearer flow, and the metadata server's token endpoint used by workload identity.
public sealed partial class FakeGcpSecretManager
{
    private const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private const string GoogleTokenUrl = "https://oauth2.googleapis.com/token";
    private const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    /// <summary>Why the token endpoint last refused an assertion (what Google puts in error_description).</summary>
    public string? LastTokenRefusal { get; private set; }

    private async Task<IResult> TokenEndpoint(HttpContext context)
    {
        Interlocked.Increment(ref _tokenRequests);
        if (TokenEndpointOutage) return OAuthError(503, "temporarily_unavailable", "The service is currently unavailable.");
        if (!context.Request.HasFormContentType) return OAuthError(400, "invalid_request", "Expected a form body.");
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form["grant_type"] != JwtBearerGrant) return OAuthError(400, "unsupported_grant_type", "Invalid grant_type.");
        var audience = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}";
        var problem = VerifyAssertion(form["assertion"].ToString(), audience);
        if (problem is null) return IssueToken();
        LastTokenRefusal = problem;
        return OAuthError(400, "invalid_grant", problem);
    }

    private async Task<IResult> MetadataTokenEndpoint(HttpContext context)
    {
        Interlocked.Increment(ref _metadataTokenRequests);
        if (TokenEndpointOutage) return Results.Text("Service Unavailable", "text/plain", statusCode: 503);
        if (context.Request.Headers["Metadata-Flavor"] != "Google")
            return Results.Text("Missing Metadata-Flavor:Google header.", "text/html", statusCode: 403);
        var result = IssueToken();
        context.Response.Headers["Metadata-Flavor"] = "Google";
        return result;
    }

    /// <summary>Null when the assertion is a valid RS256 JWT of a registered account for this endpoint; else why not.</summary>
    private string? VerifyAssertion(string assertion, string audience)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3) return "Invalid JWT: not three segments.";
        JsonElement header, claims;
        try
        {
            header = JsonDocument.Parse(Base64Url(parts[0])).RootElement;
            claims = JsonDocument.Parse(Base64Url(parts[1])).RootElement;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return "Invalid JWT: a segment is not base64url JSON.";
        }
        if (Text(header, "alg") != "RS256") return "Invalid JWT: alg must be RS256.";
        var issuer = Text(claims, "iss");
        RSA? key;
        lock (_lock) key = issuer is not null && _serviceAccounts.TryGetValue(issuer, out var k) ? k : null;
        if (key is null) return "Invalid JWT: unknown issuer.";
        var signed = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        if (!key.VerifyData(signed, Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            return "Invalid JWT Signature.";
        // Google.Apis.Auth 1.78 signs aud = Google's canonical token URL even when token_uri points elsewhere
        // (observed against this fake); Google's endpoint is that URL, so both it and our own URL are accepted.
        if (Text(claims, "aud") is not { } aud || (aud != audience && aud != GoogleTokenUrl))
            return "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe (aud).";
        if (Text(claims, "scope")?.Split(' ').Contains(CloudPlatformScope) != true) return "Invalid JWT: scope missing.";
        if (!claims.TryGetProperty("iat", out var iat) || !claims.TryGetProperty("exp", out var exp)
            || !iat.TryGetInt64(out var issuedAt) || !exp.TryGetInt64(out var expires))
            return "Invalid JWT: iat and exp are required.";
        if (expires - issuedAt is <= 0 or > 3600 || expires <= DateTimeOffset.UtcNow.ToUnixTimeSeconds())
            return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
        return null;
    }

    private IResult IssueToken()
    {
        var token = "ya29.fake-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var lifetime = TokenLifetimeSeconds;
        lock (_lock) _tokens[token] = DateTimeOffset.UtcNow.AddSeconds(lifetime);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = token,
            ["expires_in"] = lifetime,
            ["token_type"] = "Bearer",
        });
    }

    /// <summary>True when the request carries a bearer token this fake issued and that has not expired or been revoked.</summary>
    private bool IsAuthorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return false;
        lock (_lock)
            return _tokens.TryGetValue(header["Bearer ".Length..], out var expires) && expires > DateTimeOffset.UtcNow;
    }

    private static IResult OAuthError(int status, string error, string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);

    private static byte[] Base64Url(string segment)
    {
        var s = segment.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;

    private async Task DelayAsync(HttpContext context)
    {
        if (Latency > TimeSpan.Zero) await Task.Delay(Latency, context.RequestAborted);
    }
}
