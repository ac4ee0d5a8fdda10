using Marten;
using ScaiVault.Federation;
using ScaiVault.Federation.Aws;
using ScaiVault.Federation.Azure;
using ScaiVault.Federation.Gcp;
using ScaiVault.Federation.Vault;
using Wolverine.Runtime.Agents;

namespace ScaiVault.Http.Federation;

public static class FederationSetup
{
    /// <summary>
    /// The federation engine: backends API services, proxy reads, the sync runner and its cluster-wide
    /// scheduling (a Wolverine agent family). Backend types come from registered <see cref="ScaiVault.Federation.IFederationBackendFactory"/>s.
    /// </summary>
    public static WebApplicationBuilder AddScaiVaultFederation(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(FederationOptions.From(builder.Configuration));
        services.AddSingleton<BackendFactories>();
        services.AddSingleton<FederationRoutes>();
        services.AddSingleton<FederationStore>();
        services.AddSingleton<BackendAdapters>();
        services.AddSingleton<BackendChecks>();
        services.AddSingleton<ProxyRead>();
        services.AddSingleton<ProxyListing>();
        services.AddSingleton<SyncRunner>();
        services.AddSingleton<ConflictResolver>();
        services.AddSingleton<WriteThroughDelivery>();
        services.AddSingleton<IAgentFamily, SyncAgentFamily>();
        // Backend types: one factory each (docs/federation-<type>.md).
        services.AddHttpClient();
        services.AddSingleton<IFederationBackendFactory, VaultBackendFactory>();
        services.AddSingleton<IFederationBackendFactory, AwsSecretsManagerBackendFactory>();
        services.AddSingleton<IFederationBackendFactory, AzureKeyVaultBackendFactory>();
        services.AddSingleton<IFederationBackendFactory, GcpSecretManagerFactory>();
        services.ConfigureMarten((sp, opts) =>
            opts.Listeners.Add(new FederationRoutes.InvalidateOnCommit(sp.GetRequiredService<FederationRoutes>())));
        return builder;
    }
}
