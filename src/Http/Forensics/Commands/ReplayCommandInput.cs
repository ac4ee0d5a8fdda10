using System.Text.Json;
using JasperFx.CommandLine;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Json;

namespace ScaiVault.Http.Forensics.Commands;

/// <summary>What every replay command takes: the time and the tenant. The host is built, not started (no listener, no migrations).</summary>
public class ReplayCommandInput : NetCoreInput
{
    [Description("The time to replay to, ISO 8601 (2026-11-23T20:08:32Z)")]
    [FlagAlias("at", true)]
    public string AtFlag { get; set; } = "";

    [Description("The tenant to replay in (default: default)")]
    [FlagAlias("tenant", true)]
    public string TenantFlag { get; set; } = CallerClaims.DefaultTenant;
}

/// <summary>
/// Runs a replay with the service's own configuration and prints the answer as the endpoint would send it
/// (indented JSON on stdout), or the error envelope's code and message on stderr with exit code 1.
/// </summary>
public static class ReplayCommandRunner
{
    private static readonly JsonWriterOptions Indented = JsonResponse.WriterOptions with { Indented = true };

    public static async Task<bool> RunAsync(ReplayCommandInput input,
        Func<ForensicReplay, string, DateTimeOffset, CancellationToken, Task<(Action<Utf8JsonWriter>? Write, ApiError? Error)>> run)
    {
        using var host = input.BuildHost();
        var clock = host.Services.GetRequiredService<TimeProvider>();
        if (!JwtSetup.TenantId.IsMatch(input.TenantFlag))
            return Fail(ApiError.BadRequest("invalid_tenant", "--tenant must be 1-64 of a-z 0-9 _ -."));
        var (at, timeError) = ReplayQuery.At(input.AtFlag, clock.GetUtcNow());
        if (timeError is not null) return Fail(timeError);

        var (write, error) = await run(host.Services.GetRequiredService<ForensicReplay>(), input.TenantFlag, at, CancellationToken.None);
        if (error is not null) return Fail(error);
        using var stdout = Console.OpenStandardOutput();
        await using (var json = new Utf8JsonWriter(stdout, Indented)) write!(json);
        Console.WriteLine();
        return true;
    }

    private static bool Fail(ApiError error)
    {
        Console.Error.WriteLine($"{error.Code}: {error.Message}");
        return false;
    }
}
