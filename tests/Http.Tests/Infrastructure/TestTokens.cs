using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ScaiVault.Http.Tests.Infrastructure;

/// <summary>
/// Plays ScaiKey in tests: an RSA signing key whose public half is published as a JWKS file, and
/// tokens with chosen claims. Hostile variants are built from the same pieces.
/// </summary>
public sealed class TestTokens
{
    public const string Issuer = "https://scaikey.test";
    public const string Audience = "scaivault";

    public TestTokens(string jwksFile)
    {
        JwksFile = jwksFile;
        Key = NewKey("test-key-1");
        File.WriteAllText(jwksFile, Jwks(Key));
    }

    public string JwksFile { get; }
    public RsaSecurityKey Key { get; }

    public static RsaSecurityKey NewKey(string kid) => new(RSA.Create(2048)) { KeyId = kid };

    public static string Jwks(params RsaSecurityKey[] keys)
    {
        var jwks = keys.Select(k =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(k.Rsa.ExportParameters(false)) { KeyId = k.KeyId });
            return new { kty = jwk.Kty, n = jwk.N, e = jwk.E, kid = jwk.Kid, use = "sig", alg = "RS256" };
        });
        return JsonSerializer.Serialize(new { keys = jwks });
    }

    /// <summary>A valid token for a caller; every part can be overridden to build hostile ones.</summary>
    public string Mint(string sub = "alice", string? tenant = "acme", string scope = "secrets:read secrets:write",
        string[]? groups = null, string[]? roles = null, string issuer = Issuer, string audience = Audience,
        DateTime? notBefore = null, DateTime? expires = null, SigningCredentials? signing = null,
        IDictionary<string, object>? extraHeaders = null, IDictionary<string, object>? extraClaims = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = sub, ["scope"] = scope, ["jti"] = Guid.NewGuid().ToString("N") };
        foreach (var (name, value) in extraClaims ?? new Dictionary<string, object>()) claims[name] = value;
        if (tenant is not null) claims["tenant_id"] = tenant;
        if (groups is not null) claims["groups"] = groups;
        if (roles is not null) claims["roles"] = roles;
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddMinutes(10),
            SigningCredentials = signing ?? new SigningCredentials(Key, SecurityAlgorithms.RsaSha256),
            AdditionalHeaderClaims = extraHeaders,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
