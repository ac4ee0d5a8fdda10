using Microsoft.AspNetCore.Authorization;
using Npgsql;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Json;
using ScaiVault.Http.Setup;
using Wolverine.Http;

namespace ScaiVault.Http.Health;

public static class HealthEndpoints
{
    /// <summary>Liveness: the process answers. No token, no dependencies.</summary>
    [AllowAnonymous]
    [WolverineGet("/healthz")]
    public static IResult Live() => JsonResponse.Ok(json =>
    {
        json.WriteStartObject();
        json.WriteString("status", "ok");
        json.WriteEndObject();
    });

    /// <summary>Readiness: the database answers and the schema migrations were applied at start.</summary>
    [AllowAnonymous]
    [WolverineGet("/readyz")]
    public static async Task<IResult> Ready(HttpContext context, NpgsqlDataSource database, Readiness readiness)
    {
        if (!readiness.SchemaApplied)
            return new ApiError(503, "not_ready", "The database schema has not been applied yet.").ToResult();
        try
        {
            await using var command = database.CreateCommand("select 1");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await command.ExecuteScalarAsync(timeout.Token);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return new ApiError(503, "database_unreachable", "The database does not answer.").ToResult();
        }
        return JsonResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("status", "ready");
            json.WriteEndObject();
        });
    }
}
