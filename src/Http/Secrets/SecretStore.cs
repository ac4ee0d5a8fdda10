using JasperFx.Events;
using Marten;
using ScaiVault.Domain.Crypto;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Projections.Secrets;
using Wolverine.Marten;
using Wolverine.Runtime;

namespace ScaiVault.Http.Secrets;

/// <summary>
/// The I/O around the pure secret decisions: load the stream, seal or open values, keep the key ring
/// in step with the events, and commit both in one transaction so there is never a partial write.
/// </summary>
public sealed class SecretStore(IDocumentStore store, IRootKeyProvider rootKey, TimeProvider clock, Federation.FederationRoutes federation,
    IServiceProvider services)
{
    // Concurrent writers without check-and-set retry on a lost race (last writer wins); with
    // check-and-set a lost race is the answer. The bound only guards against a pathological storm.
    private const int MaxAttempts = 20;

    public sealed record Written(string Path, int Version, SecretType SecretType, DateTimeOffset WrittenAt);

    public async Task<(Written? Result, ApiError? Error)> WriteAsync(Caller caller, string path, SecretType type, byte[] plaintext,
        SecretMetadata? metadata, int? maxVersions, int? cas, CancellationToken ct)
    {
        if (await ProxyReadOnlyAsync(caller, path, ct) is { } readOnly) return (null, readOnly);
        var writeThrough = await federation.WriteThroughForAsync(caller.TenantId, path, ct);
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(caller.TenantId);
            var stream = await session.Events.FetchForWriting<Secret>(path, ct);
            var current = stream.Aggregate;
            var (version, refused) = SecretDecisions.NextVersion(current, cas);
            if (refused is not null) return (null, ToApiError(refused));

            var now = clock.GetUtcNow();
            var associated = Envelope.AssociatedData(caller.TenantId, path, version);
            var dataKey = Envelope.NewDataKey();
            SealedValue sealedValue;
            WrappedKey wrapped;
            try
            {
                sealedValue = Envelope.Seal(dataKey, plaintext, associated);
                wrapped = await rootKey.WrapAsync(dataKey, associated, ct);
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
            }

            var events = SecretDecisions.Write(current, path, version, type, sealedValue, metadata, maxVersions, caller.ActorId, now).ToArray();
            var ring = await session.LoadAsync<SecretKeyRing>(path, ct) ?? new SecretKeyRing { Id = path };
            Shred(session, ring, events);
            foreach (var (older, key) in ring.Keys)
                session.Store(new SecretVersionKey { Id = SecretVersionKey.IdFor(path, older), Key = key });
            ring.Keys = new() { [version] = wrapped };
            session.Store(ring);
            stream.AppendMany(events);
            if (writeThrough is not null)
            {
                // Wolverine's outbox commits the delivery request with the write: the backend gets it at least once, or
                // the write did not happen. The message names the version, never the value.
                var outbox = new MartenOutbox(services.GetRequiredService<IWolverineRuntime>(), session);
                await outbox.PublishAsync(new Federation.DeliverWriteThrough(caller.TenantId, writeThrough.Backend.Id, path, version));
            }
            try
            {
                await session.SaveChangesAsync(ct);
                return (new Written(path, version, type, now), null);
            }
            catch (Exception e) when (ConcurrencyConflicts.IsConflict(e))
            {
                if (cas is not null)
                {
                    var latest = await CurrentVersionAsync(caller, path, ct);
                    return (null, ApiError.Conflict(SecretErrorCodes.CasMismatch,
                        $"Check-and-set failed: another write landed first; the current version is {latest}."));
                }
                if (attempt >= MaxAttempts)
                    return (null, ApiError.Conflict("write_conflict", "Too many concurrent writes to this secret; retry the write."));
            }
        }
    }

    /// <summary>One secret a federation sync imports: the versions to append, oldest first, with their provenance.</summary>
    public sealed record Import(string Path, IReadOnlyList<ImportedVersion> Versions, IReadOnlyList<string>? Tags);

    public sealed record ImportedVersion(SecretType SecretType, byte[] Plaintext, ImportedFrom Provenance);

    /// <summary>
    /// Imports many secrets in one transaction: each imported version becomes the next local version (numbers stay
    /// monotonic; local history is kept), sealed under a fresh data key like any write. Optimistic concurrency per
    /// stream: a local write that lands meanwhile fails the batch with a concurrency error, and the caller retries
    /// item by item. Returns the local version each path ended at.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> ImportAsync(string tenant, IReadOnlyList<Import> imports, string by, CancellationToken ct)
    {
        await using var session = store.LightweightSession(tenant);
        var now = clock.GetUtcNow();
        var rings = (await session.LoadManyAsync<SecretKeyRing>(ct, imports.Select(i => i.Path).ToArray())).ToDictionary(r => r.Id, StringComparer.Ordinal);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var import in imports)
        {
            var stream = await session.Events.FetchForWriting<Secret>(import.Path, ct);
            var current = stream.Aggregate;
            var ring = rings.GetValueOrDefault(import.Path) ?? new SecretKeyRing { Id = import.Path };
            var all = new List<object>();
            foreach (var imported in import.Versions)
            {
                var (version, _) = SecretDecisions.NextVersion(current, null);
                var associated = Envelope.AssociatedData(tenant, import.Path, version);
                var dataKey = Envelope.NewDataKey();
                SealedValue sealedValue;
                WrappedKey wrapped;
                try
                {
                    sealedValue = Envelope.Seal(dataKey, imported.Plaintext, associated);
                    wrapped = await rootKey.WrapAsync(dataKey, associated, ct);
                }
                finally
                {
                    System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
                }
                var oldMetadata = current is { Exists: true } ? current.Metadata : SecretMetadata.Empty;
                var metadata = import.Tags is null ? null : oldMetadata with { Tags = [.. import.Tags] };
                var events = SecretDecisions.Write(current, import.Path, version, imported.SecretType, sealedValue, metadata, null, by, now, imported.Provenance).ToArray();
                Shred(session, ring, events);
                foreach (var (older, key) in ring.Keys)
                    session.Store(new SecretVersionKey { Id = SecretVersionKey.IdFor(import.Path, older), Key = key });
                ring.Keys = new() { [version] = wrapped };
                current = events.Aggregate(current, Evolve);
                all.AddRange(events);
            }
            if (all.Count == 0) continue;
            session.Store(ring);
            stream.AppendMany(all);
            result[import.Path] = current!.LastVersion;
        }
        await session.SaveChangesAsync(ct);
        return result;
    }

    // The same fold the inline projection performs, for several versions decided in one transaction.
    private static Secret? Evolve(Secret? state, object e) => (state, e) switch
    {
        (null, SecretVersionWritten w) => Secret.Create(w),
        (not null, SecretVersionWritten w) => state.Apply(w),
        (not null, SecretMetadataUpdated m) => state.Apply(m),
        (not null, SecretVersionsDestroyed d) => state.Apply(d),
        _ => state,
    };

    /// <summary>Runs a decision against the current state and commits its events with the matching key-ring change.</summary>
    public async Task<ApiError?> ChangeAsync(Caller caller, string path,
        Func<Secret?, string, DateTimeOffset, (IEnumerable<object> Events, SecretError? Error)> decide, CancellationToken ct)
    {
        if (await ProxyReadOnlyAsync(caller, path, ct) is { } readOnly) return readOnly;
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(caller.TenantId);
            var stream = await session.Events.FetchForWriting<Secret>(path, ct);
            var (decided, refused) = decide(stream.Aggregate, caller.ActorId, clock.GetUtcNow());
            if (refused is not null) return ToApiError(refused);
            var events = decided.ToArray();
            if (events.Length == 0) return null;

            if (events.OfType<SecretVersionsDestroyed>().Any())
            {
                var ring = await session.LoadAsync<SecretKeyRing>(path, ct) ?? new SecretKeyRing { Id = path };
                Shred(session, ring, events);
                session.Store(ring);
            }
            stream.AppendMany(events);
            try
            {
                await session.SaveChangesAsync(ct);
                return null;
            }
            catch (Exception e) when (ConcurrencyConflicts.IsConflict(e) && attempt < MaxAttempts)
            {
                // someone else changed the secret between our read and our write: decide again on the new state
            }
        }
    }

    public sealed record Opened(Secret Secret, int Version, SecretType SecretType, byte[] Plaintext, string CreatedBy, DateTimeOffset CreatedAt);

    /// <summary>Reads one version: one batched round trip (state, current key, the asked version's key), and the stream for an older version's ciphertext.</summary>
    public async Task<(Opened? Result, ApiError? Error)> ReadAsync(Caller caller, string path, int? requested, CancellationToken ct)
    {
        await using var session = store.QuerySession(caller.TenantId);
        var batch = session.CreateBatchQuery();
        var secretTask = batch.Load<Secret>(path);
        var ringTask = batch.Load<SecretKeyRing>(path);
        var olderKeyTask = requested is { } asked ? batch.Load<SecretVersionKey>(SecretVersionKey.IdFor(path, asked)) : null;
        await batch.Execute(ct);
        var secret = await secretTask;
        var ring = await ringTask;
        var olderKey = olderKeyTask is null ? null : await olderKeyTask;

        if (secret is not { Exists: true })
            return (null, ToApiError(new SecretError(SecretErrorCodes.NotFound,
                secret is null ? "No secret exists at this path." : "The secret at this path was deleted.")));

        var version = requested ?? secret.LastVersion;
        switch (secret.StateOf(version))
        {
            case VersionState.Unknown:
                return (null, ApiError.NotFound(SecretErrorCodes.UnknownVersion,
                    $"Version {version} does not exist; the current version is {secret.LastVersion}."));
            case VersionState.SoftDeleted:
                return (null, ApiError.NotFound(SecretErrorCodes.VersionDeleted,
                    $"Version {version} was deleted; restore it with POST /v1/undelete/{path}."));
            case VersionState.Destroyed:
                return (null, new ApiError(410, SecretErrorCodes.VersionDestroyed, $"Version {version} was destroyed; its value is gone for good."));
        }

        SealedValue? sealedValue;
        SecretType type;
        string createdBy;
        DateTimeOffset createdAt;
        if (version == secret.LastVersion)
        {
            (sealedValue, type, createdBy, createdAt) = (secret.CurrentValue, secret.SecretType, secret.VersionWrittenBy, secret.VersionWrittenAt);
        }
        else
        {
            var events = await session.Events.FetchStreamAsync(path, token: ct);
            var written = events.Select(e => e.Data).OfType<SecretVersionWritten>().LastOrDefault(e => e.Version == version);
            (sealedValue, type, createdBy, createdAt) = (written?.Value, written?.SecretType ?? secret.SecretType, written?.WrittenBy ?? "", written?.WrittenAt ?? default);
        }

        var wrapped = ring?.Keys.GetValueOrDefault(version) ?? olderKey?.Key;
        if (sealedValue is null || wrapped is null)
            return (null, new ApiError(410, SecretErrorCodes.VersionDestroyed, $"Version {version} was destroyed; its value is gone for good."));

        var associated = Envelope.AssociatedData(caller.TenantId, path, version);
        var dataKey = await rootKey.UnwrapAsync(wrapped, associated, ct);
        try
        {
            return (new Opened(secret, version, type, Envelope.Open(dataKey, sealedValue, associated), createdBy, createdAt), null);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public async Task<(Secret? Secret, SecretVersionHistory? History)> DescribeAsync(Caller caller, string path, CancellationToken ct)
    {
        await using var session = store.QuerySession(caller.TenantId);
        var batch = session.CreateBatchQuery();
        var secretTask = batch.Load<Secret>(path);
        var historyTask = batch.Load<SecretVersionHistory>(path);
        await batch.Execute(ct);
        return (await secretTask, await historyTask);
    }

    public async Task<IReadOnlyList<Secret>> ListAsync(Caller caller, string prefix, string? after, int limit, CancellationToken ct)
    {
        await using var session = store.QuerySession(caller.TenantId);
        var query = session.Query<Secret>().Where(s => !s.Deleted);
        if (prefix.Length > 0) query = query.Where(s => s.Id.StartsWith(prefix));
        if (after is not null) query = query.Where(s => string.Compare(s.Id, after) > 0);
        return await query.OrderBy(s => s.Id).Take(limit).ToListAsync(ct);
    }

    // Proxy mode: the backend is the source of truth, so every change to a proxied path is refused.
    private async Task<ApiError?> ProxyReadOnlyAsync(Caller caller, string path, CancellationToken ct) =>
        await federation.ProxyForAsync(caller.TenantId, path, ct) is { } route
            ? ApiError.Conflict(Federation.FederationErrorCodes.ProxyReadOnly,
                $"This path is proxied from federation backend {route.Backend.Id} ({route.Backend.Settings.Name}), which is the source of truth: " +
                "write it in the backend, or switch the backend to sync mode.")
            : null;

    private async Task<int> CurrentVersionAsync(Caller caller, string path, CancellationToken ct)
    {
        await using var session = store.QuerySession(caller.TenantId);
        var secret = await session.LoadAsync<Secret>(path, ct);
        return secret is { Exists: true } ? secret.LastVersion : 0;
    }

    // Removing the wrapped data key is what destroys a version: the event keeps only ciphertext.
    private static void Shred(IDocumentSession session, SecretKeyRing ring, IEnumerable<object> events)
    {
        foreach (var destroyed in events.OfType<SecretVersionsDestroyed>())
            foreach (var version in destroyed.Versions)
                if (!ring.Keys.Remove(version))
                    session.Delete<SecretVersionKey>(SecretVersionKey.IdFor(ring.Id, version));
    }

    public static ApiError ToApiError(SecretError error) => error.Code switch
    {
        SecretErrorCodes.NotFound => ApiError.NotFound(error.Code, error.Message),
        SecretErrorCodes.UnknownVersion => ApiError.BadRequest(error.Code, error.Message),
        SecretErrorCodes.VersionDestroyed => new ApiError(409, error.Code, error.Message),
        SecretErrorCodes.CasMismatch => ApiError.Conflict(error.Code, error.Message),
        _ => ApiError.BadRequest(error.Code, error.Message),
    };
}
