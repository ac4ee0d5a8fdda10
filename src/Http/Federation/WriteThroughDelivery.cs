using System.Collections.Concurrent;
using System.Security.Cryptography;
using Marten;
using ScaiVault.Domain.Federation;
using ScaiVault.Federation;
using ScaiVault.Federation.Mapping;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Secrets;
using ScaiVault.Projections.Federation;

namespace ScaiVault.Http.Federation;

/// <summary>
/// Delivers a local write to its sync-mode backend: reads the secret's current value (so a late or repeated message
/// never sends an older value over a newer one), writes it through the adapter, and records the outcome on the
/// backend's stream. A delivered write becomes the path's sync baseline, so the next sync does not import it back.
/// </summary>
public sealed class WriteThroughDelivery(IDocumentStore store, SecretStore secrets, BackendAdapters adapters, FederationStore backends,
    FederationOptions options, TimeProvider clock, ILogger<WriteThroughDelivery> logger)
{
    // One delivery per path at a time on this node: two messages for one path would otherwise both write the same value.
    private readonly ConcurrentDictionary<(string, string, string), SemaphoreSlim> _paths = new();

    public async Task DeliverAsync(DeliverWriteThrough message, int attempt, CancellationToken ct)
    {
        var (tenant, id, path) = (message.Tenant, message.BackendId, message.Path);
        var backend = await backends.LoadAsync(tenant, id, ct);
        if (backend is not { Settings: { Mode: FederationMode.Sync, WriteThrough: true } })
        {
            logger.LogInformation("federation.write_through dropped for backend {BackendId} path {Path}: the backend is gone, not in sync mode, or write-through is off", id, path);
            return;
        }
        if (PathMapping.From(backend.Settings.PathMapping).ToBackend(path) is not { } target)
        {
            logger.LogInformation("federation.write_through dropped for backend {BackendId} path {Path}: the path mapping no longer covers it", id, path);
            return;
        }

        var gate = _paths.GetOrAdd((tenant, id, path), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            await DeliverAsync(tenant, backend, target, path, message.LocalVersion, attempt, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task DeliverAsync(string tenant, FederationBackend backend, MappedName target, string path, int asked, int attempt, CancellationToken ct)
    {
        await using (var session = store.QuerySession(tenant))
        {
            var conflicts = await session.LoadAsync<BackendConflicts>(backend.Id, ct);
            if (conflicts?.Open.ContainsKey(path) == true)
            {
                // The user decides an open manual conflict; resolving it as local delivers the local value then.
                await FailedAsync(tenant, backend.Id, target.Name, path, asked, "manual_conflict",
                    "The path has an open manual conflict; resolve it (as local to send the local value).", attempt, true, ct);
                return;
            }
            // Delivered already, or a newer version was (the baseline says the backend holds it).
            if (conflicts?.Baselines.GetValueOrDefault(path) is { RemoteVersion: not null } baseline && baseline.LocalVersion >= asked) return;
        }

        var (opened, _) = await secrets.ReadAsync(new Caller($"federation:{backend.Id}", tenant, false, [], []), path, null, ct);
        if (opened is null) return;   // deleted or destroyed since: there is no value to deliver
        try
        {
            if (opened.Secret.Origin is { } origin && origin.BackendId == backend.Id && origin.LocalVersion == opened.Version) return;   // it came from the backend
            var adapter = adapters.For(tenant, backend);
            var value = new RemoteSecretValue(opened.SecretType, opened.Plaintext);
            var remoteVersion = await BackendFailures.BoundedAsync(options.WriteThroughTimeout, ct, c => adapter.WriteAsync(target.Name, value, c));
            await backends.AppendAsync(tenant, backend.Id, [new WriteThroughDelivered(backend.Id, path, target.Name, opened.Version, remoteVersion, clock.GetUtcNow())], ct);
            logger.LogInformation("federation.write_through.delivered backend {BackendId} path {Path} local version {Version} remote version {RemoteVersion}",
                backend.Id, path, opened.Version, remoteVersion);
        }
        catch (FederationBackendException e)
        {
            // Refusals that retrying cannot change are final; the rest (including credentials an admin can fix) is retried.
            var final = e.Failure is BackendFailure.BadResponse or BackendFailure.NameNotRepresentable;
            await FailedAsync(tenant, backend.Id, target.Name, path, opened.Version, e.Failure.ToWire(), e.Message, attempt, final, ct);
            if (!final) throw new WriteThroughRetry($"Write-through of {path} to backend {backend.Id} failed ({e.Failure.ToWire()}); it is retried.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(opened.Plaintext);
        }
    }

    private async Task FailedAsync(string tenant, string id, string name, string path, int version, string failure, string reason, int attempt, bool final, CancellationToken ct)
    {
        await backends.AppendAsync(tenant, id, [new WriteThroughFailed(id, path, name, version, failure, reason, attempt, final, clock.GetUtcNow())], ct);
        logger.LogWarning("federation.write_through.failed backend {BackendId} path {Path} attempt {Attempt} final {Final}: {Failure} {Reason}",
            id, path, attempt, final, failure, reason);
    }
}
