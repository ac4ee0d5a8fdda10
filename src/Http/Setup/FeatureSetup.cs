using Marten;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Forensics;
using ScaiVault.Http.Policies;
using ScaiVault.Http.Secrets;

namespace ScaiVault.Http.Setup;

public static class FeatureSetup
{
    /// <summary>The services the endpoints work through: one singleton each, no per-request state.</summary>
    public static WebApplicationBuilder AddScaiVaultFeatures(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SecretStore>();
        builder.Services.AddSingleton<PolicyStore>();
        builder.Services.AddSingleton<PathAccess>();
        builder.Services.AddSingleton<ForensicReplay>();
        builder.Services.AddSingleton<AuthorizationCache>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AuthorizationCache>());
        builder.Services.ConfigureMarten((services, opts) =>
            opts.Listeners.Add(new AuthorizationCache.InvalidateOnCommit(services.GetRequiredService<AuthorizationCache>())));
        return builder;
    }
}
