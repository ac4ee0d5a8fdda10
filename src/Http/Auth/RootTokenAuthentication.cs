using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ScaiVault.Http.Errors;

namespace ScaiVault.Http.Auth;

/// <summary>
/// The bootstrap root token: break-glass admin, given in <c>SCAIVAULT_ROOT_TOKEN</c> or generated at start.
/// Only its SHA-256 is held, and comparison is constant-time.
/// </summary>
public sealed class RootToken(string token)
{
    private readonly byte[] _hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public string Value { get; } = token;

    public bool Matches(string candidate) =>
        CryptographicOperations.FixedTimeEquals(_hash, SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));

    public static string Generate() => "svr_" + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}

/// <summary>
/// Resolves the caller from <c>Authorization: Bearer</c>. Identity, policy and audit steps slot in
/// behind this scheme; every failure answers 401 with the error envelope.
/// </summary>
public sealed class RootTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, RootToken rootToken)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ScaiVaultBearer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0) return Task.FromResult(AuthenticateResult.NoResult());
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(AuthenticateResult.Fail("The Authorization header is not a Bearer token."));
        var token = header["Bearer ".Length..].Trim();
        if (!rootToken.Matches(token)) return Task.FromResult(AuthenticateResult.Fail("The token is not valid."));

        var identity = new ClaimsIdentity(
        [
            new Claim(CallerClaims.Subject, "root"),
            new Claim(CallerClaims.Tenant, CallerClaims.DefaultTenant),
            new Claim(CallerClaims.Root, "true"),
            new Claim("scope", Scopes.Admin),
            new Claim(CallerClaims.Roles, CallerClaims.PartnerAdmin),
        ], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var message = Request.Headers.Authorization.Count == 0
            ? "Send a token in the Authorization header: 'Authorization: Bearer <token>'."
            : "The bearer token is not valid.";
        return new ApiError(401, ErrorCodes.Unauthenticated, message).WriteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        new ApiError(403, ErrorCodes.AccessDenied, "The caller may not do this.").WriteAsync(Context);
}
