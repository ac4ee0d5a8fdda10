using ScaiVault.Http.Setup;

namespace ScaiVault.Http.Audit;

public static class AuditSetup
{
    /// <summary>
    /// Turns the audit step off, for the benchmark's unaudited comparison run only. The exact value is
    /// required, so no "1", "true" or typo can switch it off; any other value refuses to start.
    /// </summary>
    public const string DisableVariable = "SCAIVAULT_AUDIT_DISABLED_FOR_BENCHMARK";
    public const string DisableValue = "i-understand-requests-are-not-audited";

    public static WebApplicationBuilder AddScaiVaultAudit(this WebApplicationBuilder builder, ScaiVaultSettings settings)
    {
        var disable = builder.Configuration[DisableVariable];
        if (!string.IsNullOrEmpty(disable) && disable != DisableValue)
            throw new InvalidOperationException(
                $"{DisableVariable} is set but not to the one value that disables auditing (for benchmarks only); unset it.");
        builder.Services.AddSingleton(new AuditSwitch(Enabled: string.IsNullOrEmpty(disable)));
        builder.Services.AddSingleton(new AuditHmacKey(settings.DataDir));
        builder.Services.AddSingleton<AuditWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AuditWriter>());
        builder.Services.AddSingleton<AuditChainVerifier>();
        return builder;
    }

    /// <summary>The audit step, outermost, so that it sees every request and every answer (see <see cref="AuditMiddleware"/>).</summary>
    public static WebApplication UseScaiVaultAudit(this WebApplication app)
    {
        if (app.Services.GetRequiredService<AuditSwitch>().Enabled)
        {
            app.UseMiddleware<AuditMiddleware>();
            return app;
        }

        const string warning = "AUDITING IS DISABLED (" + DisableVariable + "): requests are served without audit entries. Benchmark use only; never in production.";
        app.Logger.LogCritical(warning);
        app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"\n  !!! {warning}\n"));
        app.Use((context, next) =>
        {
            context.Response.Headers["X-ScaiVault-Audit"] = "disabled";
            return next(context);
        });
        return app;
    }
}

public sealed record AuditSwitch(bool Enabled);
