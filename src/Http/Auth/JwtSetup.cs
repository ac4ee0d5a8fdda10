using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Setup;

namespace ScaiVault.Http.Auth;

/// <summary>
/// Validation of ScaiKey-issued JWTs: signature against ScaiKey's JWKS (cached; an unknown <c>kid</c>
/// refreshes it at most once per <see cref="UnknownKeyRefreshInterval"/>), issuer, audience, expiry and
/// not-before with a small skew, asymmetric algorithms only. ScaiVault never issues tokens itself.
/// </summary>
public static partial class JwtSetup
{
    public const string SchemeName = "ScaiKeyJwt";
    public static readonly TimeSpan UnknownKeyRefreshInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan KeySetLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static AuthenticationBuilder AddScaiKeyJwt(this AuthenticationBuilder auth, ScaiVaultSettings settings) =>
        auth.AddJwtBearer(SchemeName, options =>
        {
            options.MapInboundClaims = false;
            options.RefreshOnIssuerKeyNotFound = true;
            options.ConfigurationManager = KeySetManager(settings.JwksUrl!);
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = settings.JwtIssuer,
                ValidAudience = settings.JwtAudience,
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                ValidateIssuerSigningKey = true,
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ClockSkew = ClockSkew,
                ValidAlgorithms = AsymmetricAlgorithms,
                NameClaimType = CallerClaims.Subject,
                RoleClaimType = CallerClaims.Roles,
            };
            options.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    var tenant = context.Principal?.FindFirst(CallerClaims.Tenant)?.Value;
                    var subject = context.Principal?.FindFirst(CallerClaims.Subject)?.Value;
                    if (string.IsNullOrEmpty(subject)) context.Fail("The token has no subject (sub).");
                    else if (tenant is null || !TenantId.IsMatch(tenant)) context.Fail("The token has no valid tenant_id.");
                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    await new ApiError(401, ErrorCodes.Unauthenticated, Explain(context.AuthenticateFailure)).WriteAsync(context.HttpContext);
                },
                OnForbidden = context =>
                    new ApiError(403, ErrorCodes.AccessDenied, "The caller may not do this.").WriteAsync(context.HttpContext),
            };
        });

    /// <summary>
    /// ScaiKey's key set, cached for <see cref="KeySetLifetime"/>; a token with an unknown <c>kid</c> makes
    /// JwtBearer ask for a refresh, which happens at most once per <see cref="UnknownKeyRefreshInterval"/>
    /// so a flood of forged kids cannot turn into a flood of JWKS fetches. Plain http only on loopback.
    /// </summary>
    public static ConfigurationManager<OpenIdConnectConfiguration> KeySetManager(string jwksUrl)
    {
        var loopback = Uri.TryCreate(jwksUrl, UriKind.Absolute, out var uri) && uri.IsLoopback;
        return new ConfigurationManager<OpenIdConnectConfiguration>(jwksUrl, new JwksRetriever(), new HttpDocumentRetriever { RequireHttps = !loopback })
        {
            AutomaticRefreshInterval = KeySetLifetime,
            RefreshInterval = UnknownKeyRefreshInterval,
        };
    }

    /// <summary>Tenant ids: lower-case letters, digits and '-' or '_', 1 to 64 (they are bound into encryption context).</summary>
    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]{0,63}\z")]
    public static partial Regex TenantId { get; }

    // Says which check failed, never anything from the token itself.
    private static string Explain(Exception? failure) => failure switch
    {
        null => "The bearer token is not valid.",
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet (nbf).",
        SecurityTokenInvalidIssuerException => "The token was not issued by the configured issuer.",
        SecurityTokenInvalidAudienceException => "The token is not meant for this service (aud).",
        SecurityTokenSignatureKeyNotFoundException => "The token is signed by a key that ScaiKey does not publish.",
        SecurityTokenInvalidAlgorithmException => "The token's signing algorithm is not accepted (asymmetric algorithms only).",
        SecurityTokenInvalidSignatureException => "The token's signature is not valid.",
        SecurityTokenNoExpirationException => "The token has no expiry (exp).",
        AuthenticationFailureException or InvalidOperationException => failure.Message.StartsWith("The token has no") ? failure.Message : "The bearer token is not valid.",
        _ => "The bearer token is not valid.",
    };
}
