using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ScaiVault.Fakes.Azure;

/// <summary>
/// The Entra ID side: <c>POST /{tenant}/oauth2/v2.0/token</c> (client_credentials with a client secret or a
/// client assertion JWT signed by a registered certificate, RS256 or PS256) and two managed identity
/// endpoints: App Service style <c>GET /msi/token</c> (header <c>X-IDENTITY-HEADER</c>, env vars
/// IDENTITY_ENDPOINT/IDENTITY_HEADER) and IMDS style <c>GET /metadata/identity/oauth2/token</c> (header
/// <c>Metadata: true</c>). Every token is an opaque random string the vault API then accepts.
/// </summary>
public sealed partial class FakeAzureKeyVault
{
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private readonly ConcurrentDictionary<string, string> _clientSecrets = new();
    private readonly ConcurrentDictionary<string, X509Certificate2> _clientCertificates = new();
    private readonly ConcurrentDictionary<string, bool> _managedIdentities = new();   // "" = system-assigned

    /// <summary>The value the managed identity endpoint expects in X-IDENTITY-HEADER (IDENTITY_HEADER).</summary>
    public string IdentityHeader { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>App Service style managed identity endpoint, for the IDENTITY_ENDPOINT environment variable.</summary>
    public Uri ManagedIdentityEndpoint => new(BaseAddress, "msi/token");

    /// <summary>The client ids the managed identity endpoint issued tokens for ("" = system-assigned).</summary>
    public ConcurrentQueue<string> ManagedIdentityRequests { get; } = new();

    /// <summary>Why the token endpoint refused client assertions (diagnostics for failing tests).</summary>
    public ConcurrentQueue<string> TokenRejections { get; } = new();

    public void RegisterClientSecret(string clientId, string secret) => _clientSecrets[clientId] = secret;

    /// <summary>Registers the public part of a client certificate (as uploaded to an app registration).</summary>
    public void RegisterClientCertificate(string clientId, X509Certificate2 certificate) =>
        _clientCertificates[clientId] = X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert));

    /// <summary>Lets the host's managed identity issue tokens: system-assigned (null) or a user-assigned client id.</summary>
    public void RegisterManagedIdentity(string? clientId = null) => _managedIdentities[clientId ?? ""] = true;

    private void MapIdentity(WebApplication app)
    {
        app.MapPost("/{tenant}/oauth2/v2.0/token", async (string tenant, HttpContext http) =>
        {
            Bump("token");
            if (!string.Equals(tenant, TenantId, StringComparison.OrdinalIgnoreCase))
                return AadError(400, "invalid_request", $"AADSTS90002: Tenant '{tenant}' not found.");
            if (!http.Request.HasFormContentType) return AadError(400, "invalid_request", "AADSTS900144: The request body must contain form data.");
            var form = await http.Request.ReadFormAsync();
            if (form["grant_type"] != "client_credentials")
                return AadError(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.");
            var scope = form["scope"].ToString();
            if (!scope.Split(' ').Contains(VaultResource + "/.default"))
                return AadError(400, "invalid_scope", "AADSTS70011: The provided scope is not valid for this fake.");
            var clientId = form["client_id"].ToString();

            if (form.ContainsKey("client_secret"))
            {
                if (!_clientSecrets.TryGetValue(clientId, out var expected) || !FixedTimeEquals(expected, form["client_secret"].ToString()))
                    return AadError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
            }
            else if (form["client_assertion_type"] == AssertionType)
            {
                var tokenEndpoint = $"{http.Request.Scheme}://{http.Request.Host}/{tenant}/oauth2/v2.0/token";
                var problem = _clientCertificates.TryGetValue(clientId, out var certificate)
                    ? AssertionProblem(form["client_assertion"].ToString(), clientId, tokenEndpoint, certificate)
                    : "no certificate registered for the client";
                if (problem is not null) TokenRejections.Enqueue(problem);
                if (problem is not null)
                    return AadError(401, "invalid_client", "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application.");
            }
            else
            {
                return AadError(401, "invalid_client", "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required.");
            }
            return Results.Json(new { token_type = "Bearer", expires_in = 3599, ext_expires_in = 3599, access_token = Issue(clientId) });
        });

        app.MapGet("/msi/token", (HttpContext http) =>
        {
            Bump("msi");
            if (http.Request.Headers["X-IDENTITY-HEADER"] != IdentityHeader)
                return Results.Json(new { statusCode = 400, message = "The X-IDENTITY-HEADER header is missing or wrong." }, statusCode: 400);
            return ManagedIdentityToken(http);
        });

        app.MapGet("/metadata/identity/oauth2/token", (HttpContext http) =>
        {
            Bump("msi");
            if (http.Request.Headers["Metadata"] != "true")
                return Results.Json(new { error = "invalid_request", error_description = "Required metadata header not specified" }, statusCode: 400);
            return ManagedIdentityToken(http);
        });
    }

    private IResult ManagedIdentityToken(HttpContext http)
    {
        var resource = http.Request.Query["resource"].ToString().TrimEnd('/');
        if (resource != VaultResource)
            return Results.Json(new { error = "invalid_resource", error_description = "AADSTS500011: The resource principal was not found." }, statusCode: 400);
        var clientId = http.Request.Query["client_id"].ToString();
        if (!_managedIdentities.ContainsKey(clientId))
            return Results.Json(new { error = "invalid_request", error_description = "Identity not found" }, statusCode: 400);
        ManagedIdentityRequests.Enqueue(clientId);
        var expiresOn = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = Issue(clientId.Length == 0 ? "system-assigned" : clientId),
            ["expires_on"] = expiresOn,
            ["expires_in"] = "3599",
            ["resource"] = VaultResource,
            ["token_type"] = "Bearer",
            ["client_id"] = clientId.Length == 0 ? "00000000-0000-0000-0000-00000000aaaa" : clientId,
        });
    }

    private string Issue(string clientId)
    {
        var token = "fake-akv-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        _issuedTokens[token] = clientId;
        return token;
    }

    /// <summary>The RFC 7523 checks Entra ID makes: signature by the registered key, iss = sub = client id, aud = token endpoint, not expired.</summary>
    private static string? AssertionProblem(string jwt, string clientId, string tokenEndpoint, X509Certificate2 certificate)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3) return "not a JWS";
        try
        {
            using var header = JsonDocument.Parse(Base64Url(parts[0]));
            using var payload = JsonDocument.Parse(Base64Url(parts[1]));
            var alg = header.RootElement.GetProperty("alg").GetString();
            var padding = alg switch { "RS256" => RSASignaturePadding.Pkcs1, "PS256" => RSASignaturePadding.Pss, _ => null };
            using var key = certificate.GetRSAPublicKey();
            if (padding is null || key is null) return $"unsupported alg {alg}";
            if (!key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, padding))
                return "signature not made by the registered certificate";
            var claims = payload.RootElement;
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            if (claims.GetProperty("iss").GetString() != clientId || claims.GetProperty("sub").GetString() != clientId)
                return "iss/sub is not the client id";
            if (!string.Equals(claims.GetProperty("aud").GetString(), tokenEndpoint, StringComparison.OrdinalIgnoreCase))
                return $"aud {claims.GetProperty("aud").GetString()} is not {tokenEndpoint}";
            return UnixSeconds(claims.GetProperty("exp")) > now - 300 ? null : "expired";
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return "malformed JWT: " + e.GetType().Name;
        }
    }

    // MSAL writes nbf/exp as JSON strings, other clients as numbers; Entra ID accepts both.
    private static long UnixSeconds(JsonElement claim) =>
        claim.ValueKind == JsonValueKind.String ? long.Parse(claim.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : claim.GetInt64();

    private static byte[] Base64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static IResult AadError(int status, string error, string description) =>
        Results.Json(new { error, error_description = description, error_codes = Array.Empty<int>(), timestamp = DateTime.UtcNow.ToString("u") }, statusCode: status);
}
