using JasperFx;
using JasperFx.CodeGeneration;
using Wolverine;
using Wolverine.Http;

namespace ScaiVault.Http.Setup;

public static class MessagingSetup
{
    /// <summary>Wolverine for HTTP endpoints (and, later, durable messaging through the Marten outbox).</summary>
    public static WebApplicationBuilder AddScaiVaultMessaging(this WebApplicationBuilder builder)
    {
        builder.Host.UseWolverine(opts =>
        {
            // Pinned so that test hosts (whose entry assembly is the test runner) find the same endpoints.
            opts.ApplicationAssembly = typeof(MessagingSetup).Assembly;
            // Handlers and endpoints are compiled at start; pre-generating them (codegen write) is future work.
            opts.UseRuntimeCompilation();
            opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Dynamic;
        });
        builder.Services.AddWolverineHttp();
        return builder;
    }
}
