using ScaiVault.Domain.Federation;
using ScaiVault.Federation;

namespace ScaiVault.Http.Federation;

/// <summary>
/// One bounded connection check of a backend. A change of reachability is recorded on the backend's stream
/// (<c>federation.backend.unreachable</c> when it goes away), not every poll of a dashboard.
/// </summary>
public sealed class BackendChecks(BackendAdapters adapters, FederationStore backends, FederationOptions options, TimeProvider clock,
    ILogger<BackendChecks> logger)
{
    public sealed record Result(string Connection, int? LatencyMs);

    public async Task<Result> CheckAsync(string tenant, FederationBackend backend, string? lastKnown, CancellationToken ct)
    {
        try
        {
            var adapter = adapters.For(tenant, backend);
            var took = await BackendFailures.BoundedAsync(options.CheckTimeout, ct, adapter.CheckAsync);
            var latency = (int)Math.Ceiling(took.TotalMilliseconds);
            if (lastKnown != "connected")
                await backends.AppendAsync(tenant, backend.Id, [new BackendReached(backend.Id, latency, clock.GetUtcNow())], ct);
            return new Result("connected", latency);
        }
        catch (FederationBackendException e)
        {
            logger.LogWarning("Connection check of federation backend {BackendId} failed: {Failure} {Reason}", backend.Id, e.Failure, e.Message);
            var connection = e.Failure is BackendFailure.Unavailable or BackendFailure.Timeout ? "unreachable" : "error";
            if (lastKnown != connection && connection == "unreachable")
                await backends.AppendAsync(tenant, backend.Id, [new BackendUnreachable(backend.Id, e.Failure.ToWire(), e.Message, clock.GetUtcNow())], ct);
            return new Result(connection, null);
        }
    }
}
