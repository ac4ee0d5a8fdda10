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
            // Outside Development the endpoint code is the pre-generated src/Http/Internal/Generated (start-up
            // without Roslyn, about 5 s faster); after changing an endpoint's signature run
            // `dotnet run --project src/Http -- codegen write` and commit the result. Development compiles at start.
            opts.UseRuntimeCompilation();
            opts.CodeGeneration.TypeLoadMode = builder.Environment.IsDevelopment() ? TypeLoadMode.Dynamic : TypeLoadMode.Static;
            // How soon the elected leader reassigns agents (federation sync shards) after a node leaves; Wolverine's default is 30 s.
            if (int.TryParse(builder.Configuration["SCAIVAULT_AGENT_CHECK_MS"], out var checkMs) && checkMs > 0)
                opts.Durability.CheckAssignmentPeriod = TimeSpan.FromMilliseconds(checkMs);
        });
        builder.Services.AddWolverineHttp();
        return builder;
    }
}
