using Microsoft.AspNetCore.Authentication;
using ScaiVault.Domain.Crypto;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Crypto;

namespace ScaiVault.Http.Setup;

public static class SecuritySetup
{
    private const string BearerSelector = "BearerSelector";

    private static bool LooksLikeJwt(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.AsSpan(7).Trim().Count('.') == 2;

    /// <summary>The root key provider, the bootstrap root token and the bearer scheme that resolves callers.</summary>
    public static WebApplicationBuilder AddScaiVaultSecurity(this WebApplicationBuilder builder, ScaiVaultSettings settings)
    {
        builder.Services.AddSingleton<IRootKeyProvider>(new LocalFileRootKeyProvider(settings.DataDir));
        var rootToken = new RootToken(settings.RootToken ?? RootToken.Generate());
        builder.Services.AddSingleton(rootToken);
        builder.Services.AddSingleton(new BootstrapInfo(settings.RootToken is null));

        // Both kinds of caller send "Authorization: Bearer": a JWT (three dot-separated parts) goes to the
        // ScaiKey validator when one is configured, anything else to the root-token check.
        var auth = builder.Services.AddAuthentication(BearerSelector)
            .AddPolicyScheme(BearerSelector, null, options => options.ForwardDefaultSelector = context =>
                settings.JwtEnabled && LooksLikeJwt(context.Request.Headers.Authorization.ToString())
                    ? JwtSetup.SchemeName
                    : RootTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, RootTokenAuthenticationHandler>(RootTokenAuthenticationHandler.SchemeName, null);
        if (settings.JwtEnabled) auth.AddScaiKeyJwt(settings);

        builder.Services.AddAuthorization(options =>
        {
            foreach (var scope in Scopes.All)
                options.AddPolicy(scope, policy => policy.RequireAuthenticatedUser().RequireAssertion(c => c.User.HasScope(scope)));
        });

        return builder;
    }
}

/// <summary>Whether the root token was generated at start (and so must be shown to the operator once).</summary>
public sealed record BootstrapInfo(bool TokenGenerated);
