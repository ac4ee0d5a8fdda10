using Marten;
using ScaiVault.Domain.Federation;
using ScaiVault.Domain.Secrets;
using ScaiVault.Federation;
using ScaiVault.Federation.Mapping;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Secrets;
using ScaiVault.Projections.Federation;

namespace ScaiVault.Http.Federation;

/// <summary>
/// Resolves an open (manual) conflict. <c>local</c>: the local value stays and becomes the baseline against the
/// remote marker seen at detection (and, with write-through on, is written to the backend). <c>backend</c>: the backend's current value is read now and imported as the
/// next local version (with provenance). Either way the path takes part in sync again.
/// </summary>
public sealed class ConflictResolver(IDocumentStore store, SecretStore secrets, BackendAdapters adapters, FederationStore backends,
    FederationOptions options, TimeProvider clock)
{
    public async Task<(Domain.Federation.SyncConflictResolved? Resolved, ApiError? Error)> ResolveAsync(Caller caller, FederationBackend backend, string path, string winner, CancellationToken ct)
    {
        await using var session = store.QuerySession(caller.TenantId);
        var conflicts = await session.LoadAsync<BackendConflicts>(backend.Id, ct);
        if (conflicts?.Open.GetValueOrDefault(path) is not { } open)
            return (null, ApiError.NotFound(Domain.Federation.FederationErrorCodes.ConflictNotFound, "This backend has no open conflict at this path."));
        var local = await session.LoadAsync<Secret>(path, ct);
        var now = clock.GetUtcNow();

        if (winner == "local")
        {
            var resolved = new SyncConflictResolved(backend.Id, path, "local", local?.LastVersion ?? 0, open.RemoteMarker, caller.ActorId, now, open.RemoteVersion);
            // With write-through on, "local wins" also means the backend gets the local value.
            var push = backend.Settings.WriteThrough && local is { Exists: true } ? [new DeliverWriteThrough(caller.TenantId, backend.Id, path, local.LastVersion)] : Array.Empty<object>();
            await backends.AppendAsync(caller.TenantId, backend.Id, [resolved], ct, push);
            return (resolved, null);
        }

        var mapping = PathMapping.From(backend.Settings.PathMapping);
        if (mapping.ToBackend(path) is not { } target)
            return (null, ApiError.Conflict("conflict_unmapped", "The backend's path mapping no longer maps this path; resolve it as local."));
        RemoteSecret? remote;
        try
        {
            var adapter = adapters.For(caller.TenantId, backend);
            remote = await BackendFailures.BoundedAsync(options.ProxyTimeout, ct, c => adapter.ReadAsync(target.Name, c));
        }
        catch (FederationBackendException e)
        {
            return (null, BackendFailures.ToApiError(e.Failure, backend.Id));
        }
        if (remote?.Value is null)
            return (null, ApiError.Conflict("conflict_remote_gone", "The backend no longer holds a value at this path; resolve it as local."));
        ValueTransform.TryParse(target.Rule.Transform, out var transform, out _);
        var (value, error) = transform!.Apply(remote.Value);
        if (value is null) return (null, new ApiError(502, FederationErrorCodes.BackendBadResponse, $"Federation backend {backend.Id}: {error}"));

        var runId = "resolve_" + Guid.CreateVersion7().ToString("N");
        var versions = await secrets.ImportAsync(caller.TenantId,
            [new SecretStore.Import(path, [new SecretStore.ImportedVersion(value.SecretType, value.Bytes,
                new ImportedFrom(backend.Id, target.Name, remote.RemoteVersion, open.RemoteMarker, runId))], remote.Tags.Count > 0 ? remote.Tags : null)],
            caller.ActorId, ct);
        var done = new SyncConflictResolved(backend.Id, path, "backend", versions.GetValueOrDefault(path), open.RemoteMarker, caller.ActorId, now);
        await backends.AppendAsync(caller.TenantId, backend.Id, [done], ct);
        return (done, null);
    }
}
