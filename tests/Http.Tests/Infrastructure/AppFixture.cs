using Alba;
using Microsoft.AspNetCore.Hosting;
using JasperFx;
using JasperFx.CommandLine;
using Marten;
using Wolverine;

namespace ScaiVault.Http.Tests.Infrastructure;

/// <summary>
/// One ScaiVault host for the whole run, on the real PostgreSQL that ops/test.sh started
/// (SCAIVAULT_DB). Each run gets its own schema so runs never see each other's data.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    public const string RootToken = "svr_test-root-token";
    public const string WebhookSecret = "whsec_test-scaikey-webhook-secret";

    public IAlbaHost Host { get; private set; } = null!;
    public Federation.MemoryBackendFactory MemoryBackends { get; } = new();
    public TestTokens Tokens { get; private set; } = null!;
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "scaivault-tests-" + Guid.NewGuid().ToString("N"));
    public string Schema { get; } = "sv_test_" + Guid.NewGuid().ToString("N")[..8];

    public async ValueTask InitializeAsync()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SCAIVAULT_DB")))
            throw new InvalidOperationException("SCAIVAULT_DB is not set: run the tests with ops/test.sh, which starts PostgreSQL and Redis.");
        Environment.SetEnvironmentVariable("SCAIVAULT_ROOT_TOKEN", RootToken);
        Environment.SetEnvironmentVariable("SCAIVAULT_DATA_DIR", DataDir);
        Environment.SetEnvironmentVariable("SCAIVAULT_DB_SCHEMA", Schema);
        Environment.SetEnvironmentVariable("SCAIVAULT_SCAIKEY_WEBHOOK_SECRET", WebhookSecret);
        Directory.CreateDirectory(DataDir);
        Tokens = new TestTokens(Path.Combine(DataDir, "jwks.json"));
        Environment.SetEnvironmentVariable("SCAIVAULT_JWT_ISSUER", TestTokens.Issuer);
        Environment.SetEnvironmentVariable("SCAIVAULT_JWT_AUDIENCE", TestTokens.Audience);
        Environment.SetEnvironmentVariable("SCAIVAULT_JWKS_URL", Tokens.JwksFile);

        JasperFxEnvironment.AutoStartHost = true;
        // Production, as users run it: the pre-generated endpoint code (Static), so a missing
        // `codegen write` fails here instead of at a user's start-up.
        Host = await AlbaHost.For<Program>(x => x.UseEnvironment("Production").ConfigureServices(services =>
        {
            services.RunWolverineInSoloMode();
            services.DisableAllExternalWolverineTransports();
            // A port-level backend type for the federation engine tests (tests/Http.Tests/Federation/MemoryBackend.cs).
            services.AddSingleton<ScaiVault.Federation.IFederationBackendFactory>(MemoryBackends);
        }));
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        if (Directory.Exists(DataDir)) Directory.Delete(DataDir, recursive: true);
    }
}

[CollectionDefinition(nameof(IntegrationCollection))]
public sealed class IntegrationCollection : ICollectionFixture<AppFixture>;

/// <summary>Base of every HTTP test: each test starts from an empty store.</summary>
[Collection(nameof(IntegrationCollection))]
public abstract class IntegrationContext(AppFixture fixture) : IAsyncLifetime
{
    protected AppFixture Fixture => fixture;
    protected IAlbaHost Host => fixture.Host;
    protected IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    public virtual async ValueTask InitializeAsync()
    {
        await Host.ResetAllMartenDataAsync();
        // The reset bypasses the commit listener that keeps the authorization cache in step.
        Host.Services.GetRequiredService<ScaiVault.Http.Auth.AuthorizationCache>().ClearAll();
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
