using Marten;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ScaiVault.Domain.Identities;
using ScaiVault.Http.Identities;

namespace ScaiVault.Http.Setup;

public static class IdentitySetup
{
    /// <summary>The identity cache and the ScaiKey webhook that feeds it.</summary>
    public static WebApplicationBuilder AddScaiVaultIdentities(this WebApplicationBuilder builder, ScaiVaultSettings settings)
    {
        builder.Services.AddSingleton(new ScaiKeyWebhookKey(settings.ScaiKeyWebhookSecret));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IdentityStore>();
        builder.Services.AddSingleton<IdentityCache>();
        builder.Services.AddSingleton<ScaiKeyWebhookReceiver>();
        builder.Services.ConfigureMarten(opts => opts.RegisterDocumentType<WebhookDelivery>());
        return builder;
    }
}
