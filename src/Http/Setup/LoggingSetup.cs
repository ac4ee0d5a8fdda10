using Microsoft.Extensions.Configuration.Memory;

namespace ScaiVault.Http.Setup;

public static class LoggingSetup
{
    /// <summary>
    /// Default log levels, as the ASP.NET Core templates ship them in appsettings.json: ScaiVault and
    /// everything else at Information, ASP.NET Core at Warning. Without this, ASP.NET Core writes four
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
            },
        });
        return builder;
    }
}
