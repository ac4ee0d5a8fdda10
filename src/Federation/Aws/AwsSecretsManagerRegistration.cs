using Microsoft.Extensions.DependencyInjection;

namespace ScaiVault.Federation.Aws;

public static class AwsSecretsManagerRegistration
{
    /// <summary>Registers the <c>aws-secrets-manager</c> factory (a singleton) and its named HttpClient.</summary>
    public static IServiceCollection AddAwsSecretsManagerBackend(this IServiceCollection services)
    {
        services.AddHttpClient(AwsSecretsManagerBackendFactory.HttpClientName);
        services.AddSingleton<IFederationBackendFactory, AwsSecretsManagerBackendFactory>();
        return services;
    }
}
