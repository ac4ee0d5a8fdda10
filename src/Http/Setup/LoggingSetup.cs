using Microsoft.Extensions.Configuration.Memory;

namespace ScaiVault.Http.Setup;

public static class LoggingSetup
{
    /// <summary>
    /// Default log levels, in code rather than appsettings.json so they hold wherever the binary runs
    /// from: ScaiVault at Information; ASP.NET Core and the Critter Stack at Warning. Without this, ASP.NET Core writes four
    /// lines per request (request starting/finished, endpoint executing/executed); the benchmark
    /// (docs/benchmarks.md) measured that at about a quarter of the CPU time of a secret read.
    /// The defaults are the lowest-precedence configuration source, so appsettings, environment
    /// variables (<c>Logging__LogLevel__Microsoft.AspNetCore=Information</c>) and the command line
    /// still override them.
    /// </summary>
    public static WebApplicationBuilder AddScaiVaultLogging(this WebApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
                ["Logging:LogLevel:Wolverine"] = "Warning",
                ["Logging:LogLevel:Marten"] = "Warning",
                // Marten's command logger writes every failed command at Error with its parameter values
                // (sealed values, wrapped keys), dozens of lines per lost optimistic-concurrency race that
                // the stores simply retry. Failures that matter surface as exceptions, which
                // RequestEnvelopeMiddleware logs without parameters.
                ["Logging:LogLevel:Marten.IDocumentStore"] = "None",
                ["Logging:LogLevel:JasperFx"] = "Warning",
                ["Logging:LogLevel:Npgsql"] = "Warning",
            },
        });
        return builder;
    }
}
