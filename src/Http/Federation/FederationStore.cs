using JasperFx.Events;
using Marten;
using ScaiVault.Domain.Federation;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Projections.Federation;

namespace ScaiVault.Http.Federation;

/// <summary>The I/O around the pure backend decisions: load the stream, decide, append, commit (retrying a lost race).</summary>
public sealed class FederationStore(IDocumentStore store, TimeProvider clock, IServiceProvider services)
{
    private const int MaxAttempts = 20;

    public delegate (IEnumerable<object> Events, FederationError? Error) Decide(FederationBackend? backend, string by, DateTimeOffset now);

    public async Task<FederationBackend?> LoadAsync(string tenant, string id, CancellationToken ct)
    {
        if (!BackendIds.IsValid(id)) return null;
        await using var session = store.QuerySession(tenant);
        var backend = await session.LoadAsync<FederationBackend>(id, ct);
        return backend is { Exists: true } ? backend : null;
    }

    public async Task<IReadOnlyList<FederationBackend>> ListAsync(string tenant, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenant);
        return [.. (await session.Query<FederationBackend>().Where(b => !b.Removed).ToListAsync(ct)).OrderBy(b => b.CreatedAt).ThenBy(b => b.Id)];
    }

    public async Task<(BackendStatus? Status, BackendConflicts? Conflicts)> ReadModelsAsync(string tenant, string id, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenant);
        var batch = session.CreateBatchQuery();
        var status = batch.Load<BackendStatus>(id);
        var conflicts = batch.Load<BackendConflicts>(id);
        await batch.Execute(ct);
        return (await status, await conflicts);
    }

    public async Task<bool> NameInUseAsync(string tenant, string name, string? exceptId, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenant);
        return await session.Query<FederationBackend>().AnyAsync(b => !b.Removed && b.Settings.Name == name && b.Id != exceptId, ct);
    }

    public async Task<FederationBackend> StartAsync(Caller caller, BackendSettings settings, CancellationToken ct)
    {
        var id = BackendIds.New();
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession(caller.TenantId);
        var events = FederationDecisions.Configure(id, settings, caller.ActorId, now).ToArray();
        session.Events.StartStream<FederationBackend>(id, events);
        await session.SaveChangesAsync(ct);
        return FederationBackend.Create((FederationBackendConfigured)events[0]);
    }

    /// <summary>Runs a decision against the backend's state and commits its events; returns the state after them.</summary>
    public async Task<(FederationBackend? Backend, ApiError? Error)> ChangeAsync(Caller caller, string id, Decide decide, CancellationToken ct)
    {
        if (!BackendIds.IsValid(id)) return (null, ToApiError(FederationDecisions.NotFound()));
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(caller.TenantId);
            var stream = await session.Events.FetchForWriting<FederationBackend>(id, ct);
            var (decided, refused) = decide(stream.Aggregate, caller.ActorId, clock.GetUtcNow());
            if (refused is not null) return (null, ToApiError(refused));
            var events = decided.ToArray();
            var after = events.Aggregate(stream.Aggregate, Evolve);
            if (events.Length == 0) return (after, null);
            stream.AppendMany(events);
            try
            {
                await session.SaveChangesAsync(ct);
                return (after, null);
            }
            catch (Exception e) when (ConcurrencyConflicts.IsConflict(e) && attempt < MaxAttempts)
            {
                // someone else changed the backend between our read and our write: decide again on the new state
            }
        }
    }

    /// <summary>
    /// Appends engine facts (sync runs, reachability, conflicts) to a backend's stream. <paramref name="messages"/> are
    /// published through Wolverine's outbox in the same transaction: sent if and only if the facts are stored.
    /// </summary>
    public async Task AppendAsync(string tenant, string id, IReadOnlyList<object> events, CancellationToken ct, IReadOnlyList<object>? messages = null)
    {
        if (events.Count == 0) return;
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(tenant);
            // Optimistic on the stream version, not a blind append: the inline status and conflict documents are
            // folded from what this session read, so two appends committing side by side (a sync run and a
            // write-through, two write-throughs) would otherwise leave one of them out of the documents.
            var stream = await session.Events.FetchForWriting<FederationBackend>(id, ct);
            stream.AppendMany(events);
            if (messages is { Count: > 0 })
            {
                var outbox = new Wolverine.Marten.MartenOutbox(services.GetRequiredService<Wolverine.Runtime.IWolverineRuntime>(), session);
                foreach (var message in messages) await outbox.PublishAsync(message);
            }
            try
            {
                await session.SaveChangesAsync(ct);
                return;
            }
            catch (Exception e) when (ConcurrencyConflicts.IsConflict(e) && attempt < MaxAttempts)
            {
                // Another append won the race: these facts do not depend on the stream's state, so appending them
                // again at the next version is right.
            }
        }
    }

    private static FederationBackend? Evolve(FederationBackend? state, object e) => (state, e) switch
    {
        (null, FederationBackendConfigured c) => FederationBackend.Create(c),
        (not null, FederationBackendReconfigured r) => state.Apply(r),
        (not null, FederationBackendRemoved r) => state.Apply(r),
        _ => state,
    };

    public static ApiError ToApiError(FederationError error) => error.Code switch
    {
        Domain.Federation.FederationErrorCodes.NotFound or Domain.Federation.FederationErrorCodes.ConflictNotFound => ApiError.NotFound(error.Code, error.Message),
        Domain.Federation.FederationErrorCodes.NameInUse => ApiError.Conflict(error.Code, error.Message),
        _ => ApiError.BadRequest(error.Code, error.Message),
    };

    public static ApiError NotFound() => ToApiError(FederationDecisions.NotFound());
}

public static class BackendIds
{
    public static string New() => "fed_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(10));

    public static bool IsValid(string? id) =>
        id is { Length: > 4 and <= 64 } && id.StartsWith("fed_", StringComparison.Ordinal) && id[4..].All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
