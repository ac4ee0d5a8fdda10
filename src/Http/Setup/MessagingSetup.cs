using JasperFx;
using JasperFx.CodeGeneration;
using Wolverine;
using Wolverine.Http;
using ScaiVault.Http.Federation;

namespace ScaiVault.Http.Setup;

public static class MessagingSetup
{
    /// <summary>Wolverine for HTTP endpoints, agents (federation sync) and durable messaging through the Marten outbox (write-through).</summary>
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
            // Write-through deliveries survive a restart (durable inbox) and are retried until the backend takes them.
            opts.LocalQueue(WriteThroughHandler.Queue).UseDurableInbox().MaximumParallelMessages(4);
            opts.PublishMessage<DeliverWriteThrough>().ToLocalQueue(WriteThroughHandler.Queue);
        });
        builder.Services.AddWolverineHttp();
        return builder;
    }
}
