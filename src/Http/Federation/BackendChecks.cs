using System.Collections.Concurrent;
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

    /// <summary>
    /// How long a status poll reuses this node's last check of the same backend revision. Dashboards poll
    /// status; without this every poll would be a paid call on metered backends such as AWS Secrets Manager.
    /// </summary>
    public static readonly TimeSpan StatusCheckMaxAge = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<(string Tenant, string Id, int Revision), (Result Result, DateTimeOffset At)> _recent = new();

    /// <summary>The last check of this backend revision if younger than <see cref="StatusCheckMaxAge"/>, else a new one.</summary>
    public async Task<Result> RecentAsync(string tenant, FederationBackend backend, string? lastKnown, CancellationToken ct)
    {
        var key = (tenant, backend.Id, backend.Revision);
        if (_recent.TryGetValue(key, out var recent) && clock.GetUtcNow() - recent.At < StatusCheckMaxAge) return recent.Result;
        var result = await CheckAsync(tenant, backend, lastKnown, ct);
        _recent[key] = (result, clock.GetUtcNow());
        return result;
    }

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
