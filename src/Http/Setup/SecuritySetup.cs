using Microsoft.AspNetCore.Authentication;
using ScaiVault.Domain.Crypto;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Crypto;
using ScaiVault.Http.Secrets;

namespace ScaiVault.Http.Setup;

public static class SecuritySetup
{
    /// <summary>The root key provider, the bootstrap root token and the bearer scheme that resolves callers.</summary>
    public static WebApplicationBuilder AddScaiVaultSecurity(this WebApplicationBuilder builder, ScaiVaultSettings settings)
    {
        builder.Services.AddSingleton<IRootKeyProvider>(new LocalFileRootKeyProvider(settings.DataDir));
        var rootToken = new RootToken(settings.RootToken ?? RootToken.Generate());
        builder.Services.AddSingleton(rootToken);
        builder.Services.AddSingleton(new BootstrapInfo(settings.RootToken is null));

        builder.Services.AddAuthentication(RootTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, RootTokenAuthenticationHandler>(RootTokenAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SecretStore>();
        return builder;
    }
}

/// <summary>Whether the root token was generated at start (and so must be shown to the operator once).</summary>
public sealed record BootstrapInfo(bool TokenGenerated);
