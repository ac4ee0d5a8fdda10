using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ScaiKeyDev;

/// <summary>Signs tokens the way ScaiKey does: RS256 with the JWKS key's <c>kid</c> in the header.</summary>
public static class TokenMinter
{
    public static class Claims
    {
        public const string Subject = "sub";
        public const string Tenant = "tenant_id";
        public const string Groups = "groups";
        public const string Roles = "roles";
        public const string Scope = "scope";
        public const string TokenId = "jti";
    }

    /// <summary><paramref name="now"/> is a parameter so tests can mint expired or not-yet-valid tokens without waiting.</summary>
    public static string Mint(DevSigningKey key, TokenRequest request, DateTimeOffset now)
    {
        var claims = new Dictionary<string, object>
        {
            [Claims.Subject] = request.Subject,
            [Claims.Tenant] = request.Tenant,
            [Claims.TokenId] = Guid.NewGuid().ToString("N"),
        };
        // Arrays even for a single entry: ScaiVault reads groups and roles as lists, and a consumer that
        // expects an array must not be handed a bare string because only one group was asked for.
        if (request.Groups.Count > 0) claims[Claims.Groups] = request.Groups.ToArray();
        if (request.Roles.Count > 0) claims[Claims.Roles] = request.Roles.ToArray();
        if (request.Scopes.Count > 0) claims[Claims.Scope] = string.Join(' ', request.Scopes);

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = request.Issuer,
            Audience = request.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + request.Ttl).UtcDateTime,
            Claims = claims,
            TokenType = "JWT",
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key.Rsa) { KeyId = key.KeyId }, SecurityAlgorithms.RsaSha256)
            {
                // The default factory caches a signer per key object; a short-lived tool gains nothing from it
                // and tests that dispose keys would find disposed signers in the cache.
                CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false },
            },
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
