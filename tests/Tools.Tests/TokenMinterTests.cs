using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ScaiVault.Tools.Tests;

/// <summary>Minted tokens checked the way ScaiVault checks them: JsonWebTokenHandler against the JWKS file.</summary>
public sealed class TokenMinterTests : IDisposable
{
    private readonly TempDir temp = new();
    private readonly InitResult keys;
    private readonly DevSigningKey key;

    public TokenMinterTests()
    {
        keys = KeyStore.Init(temp.Sub("keys"), force: false);
        key = KeyStore.Load(keys.Dir);
    }

    public void Dispose()
    {
        key.Dispose();
        temp.Dispose();
    }

    private static readonly TokenRequest Alice = new()
    {
        Subject = "alice",
        Tenant = "acme",
        Groups = ["eng", "ops"],
        Roles = ["partner-admin"],
        Scopes = ["secrets:read", "secrets:write"],
        Ttl = TimeSpan.FromMinutes(15),
    };

    private TokenValidationParameters Parameters(string issuer = Defaults.Issuer, string audience = Defaults.Audience) => new()
    {
        ValidIssuer = issuer,
        ValidAudience = audience,
        IssuerSigningKeys = new JsonWebKeySet(File.ReadAllText(keys.JwksPath)).GetSigningKeys(),
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        ClockSkew = TimeSpan.Zero,
    };

    private static Task<TokenValidationResult> Validate(string token, TokenValidationParameters parameters) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);

    private static JsonElement Part(string token, int index) =>
        JsonDocument.Parse(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(token.Split('.')[index]))).RootElement;

    [Fact]
    public async Task Minted_ValidatesAgainstTheJwks()
    {
        var token = TokenMinter.Mint(key, Alice, DateTimeOffset.UtcNow);

        var result = await Validate(token, Parameters());

        result.Exception.ShouldBeNull();
        result.IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Header_IsRs256WithTheJwksKidAndTypJwt()
    {
        var header = Part(TokenMinter.Mint(key, Alice, DateTimeOffset.UtcNow), 0);

        header.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ShouldBe(["alg", "kid", "typ"]);
        header.GetProperty("alg").GetString().ShouldBe("RS256");
        header.GetProperty("kid").GetString().ShouldBe(keys.KeyId);
        header.GetProperty("typ").GetString().ShouldBe("JWT");
    }

    [Fact]
    public void Payload_CarriesExactlyTheRequestedClaims()
    {
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

        var payload = Part(TokenMinter.Mint(key, Alice, now), 1);

        payload.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ShouldBe(
            ["aud", "exp", "groups", "iat", "iss", "jti", "nbf", "roles", "scope", "sub", "tenant_id"]);
        payload.GetProperty("iss").GetString().ShouldBe("https://scaikey.local");
        payload.GetProperty("aud").GetString().ShouldBe("scaivault");
        payload.GetProperty("sub").GetString().ShouldBe("alice");
        payload.GetProperty("tenant_id").GetString().ShouldBe("acme");
        payload.GetProperty("groups").ValueKind.ShouldBe(JsonValueKind.Array);
        payload.GetProperty("groups").EnumerateArray().Select(g => g.GetString()).ShouldBe(["eng", "ops"]);
        payload.GetProperty("roles").ValueKind.ShouldBe(JsonValueKind.Array);
        payload.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe(["partner-admin"]);
        payload.GetProperty("scope").ValueKind.ShouldBe(JsonValueKind.String);
        payload.GetProperty("scope").GetString().ShouldBe("secrets:read secrets:write");
        payload.GetProperty("iat").GetInt64().ShouldBe(now.ToUnixTimeSeconds());
        payload.GetProperty("nbf").GetInt64().ShouldBe(now.ToUnixTimeSeconds());
        payload.GetProperty("exp").GetInt64().ShouldBe(now.AddMinutes(15).ToUnixTimeSeconds());
        payload.GetProperty("jti").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Payload_ServiceAccountWithOneGroup_KeepsTheArray()
    {
        var request = new TokenRequest { Subject = "sa:billing-prod", Tenant = "acme", Groups = ["billing"] };

        var payload = Part(TokenMinter.Mint(key, request, DateTimeOffset.UtcNow), 1);

        payload.GetProperty("sub").GetString().ShouldBe("sa:billing-prod");
        payload.GetProperty("groups").ValueKind.ShouldBe(JsonValueKind.Array);
        payload.GetProperty("groups").EnumerateArray().Select(g => g.GetString()).ShouldBe(["billing"]);
    }

    [Fact]
    public void Payload_NothingAskedFor_LeavesGroupsRolesAndScopeOut()
    {
        var request = new TokenRequest { Subject = "bob", Tenant = "acme" };

        var payload = Part(TokenMinter.Mint(key, request, DateTimeOffset.UtcNow), 1);

        payload.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ShouldBe(
            ["aud", "exp", "iat", "iss", "jti", "nbf", "sub", "tenant_id"]);
    }

    [Fact]
    public void Payload_DefaultTtl_IsOneHour()
    {
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

        var payload = Part(TokenMinter.Mint(key, new TokenRequest { Subject = "bob", Tenant = "acme" }, now), 1);

        (payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64()).ShouldBe(3600);
    }

    [Fact]
    public void Jti_DiffersBetweenTokens()
    {
        var now = DateTimeOffset.UtcNow;

        var first = Part(TokenMinter.Mint(key, Alice, now), 1).GetProperty("jti").GetString();
        var second = Part(TokenMinter.Mint(key, Alice, now), 1).GetProperty("jti").GetString();

        first.ShouldNotBe(second);
    }

    [Fact]
    public async Task CustomIssuerAndAudience_ValidateOnlyWithThoseValues()
    {
        var token = TokenMinter.Mint(key, Alice with { Issuer = "https://id.example", Audience = "vault-b" }, DateTimeOffset.UtcNow);

        (await Validate(token, Parameters("https://id.example", "vault-b"))).IsValid.ShouldBeTrue();
        (await Validate(token, Parameters(audience: "vault-b"))).Exception.ShouldBeOfType<SecurityTokenInvalidIssuerException>();
        (await Validate(token, Parameters("https://id.example"))).Exception.ShouldBeOfType<SecurityTokenInvalidAudienceException>();
    }

    [Fact]
    public async Task Expired_FailsLifetimeValidation()
    {
        var token = TokenMinter.Mint(key, Alice with { Ttl = TimeSpan.FromHours(1) }, DateTimeOffset.UtcNow.AddHours(-2));

        var result = await Validate(token, Parameters());

        result.IsValid.ShouldBeFalse();
        result.Exception.ShouldBeOfType<SecurityTokenExpiredException>();
    }

    [Fact]
    public async Task NotYetValid_FailsLifetimeValidation()
    {
        var token = TokenMinter.Mint(key, Alice, DateTimeOffset.UtcNow.AddHours(2));

        var result = await Validate(token, Parameters());

        result.IsValid.ShouldBeFalse();
        result.Exception.ShouldBeOfType<SecurityTokenNotYetValidException>();
    }

    [Fact]
    public async Task SignedByAnotherKey_FailsValidation()
    {
        KeyStore.Init(temp.Sub("other"), force: false);
        using var other = KeyStore.Load(temp.Sub("other"));
        var token = TokenMinter.Mint(other, Alice, DateTimeOffset.UtcNow);

        var result = await Validate(token, Parameters());

        result.IsValid.ShouldBeFalse();
        result.Exception.ShouldBeOfType<SecurityTokenSignatureKeyNotFoundException>();
    }

    [Fact]
    public async Task SignedByAnotherKeyClaimingTheJwksKid_FailsValidation()
    {
        using var impostor = new DevSigningKey(System.Security.Cryptography.RSA.Create(2048), keys.KeyId);
        var token = TokenMinter.Mint(impostor, Alice, DateTimeOffset.UtcNow);

        var result = await Validate(token, Parameters());

        result.IsValid.ShouldBeFalse();
        result.Exception.ShouldBeOfType<SecurityTokenInvalidSignatureException>();
    }

    [Fact]
    public async Task AfterInitForce_OldTokensFailAgainstTheNewJwks()
    {
        var token = TokenMinter.Mint(key, Alice, DateTimeOffset.UtcNow);

        KeyStore.Init(keys.Dir, force: true);

        (await Validate(token, Parameters())).IsValid.ShouldBeFalse();
    }
}
