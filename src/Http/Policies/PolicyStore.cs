using JasperFx.Events;
using Marten;
using ScaiVault.Domain.Policies;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;

namespace ScaiVault.Http.Policies;

/// <summary>
/// The I/O around the pure policy decisions (load the stream, decide, append, commit) and the one place
/// that answers "may these subjects do this to that path". Not cached: every evaluation reads the inline
/// <see cref="Policy"/> documents, so a change is in force for the very next request on every replica.
/// </summary>
public sealed class PolicyStore(IDocumentStore store, TimeProvider clock)
{
    // A lost race decides again on the new state; the bound only guards against a pathological storm.
    private const int MaxAttempts = 20;

    public delegate (IEnumerable<object> Events, PolicyError? Error) Decide(Policy? policy, string by, DateTimeOffset now);

    /// <summary>The policy with this name, or null when there is none (never defined, or removed).</summary>
    public async Task<Policy?> LoadAsync(string tenantId, string name, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenantId);
        var policy = await session.LoadAsync<Policy>(PolicyKey.For(name), ct);
        return policy is { Exists: true } ? policy : null;
    }

    /// <summary>Live policies in name order, after the name <paramref name="after"/> when given.</summary>
    public async Task<IReadOnlyList<Policy>> ListAsync(string tenantId, string? after, int limit, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<Policy>().Where(p => !p.Removed);
        // Every id is "policy:" + name, so id order is name order and the id's primary-key index serves it.
        if (after is not null)
        {
            var afterId = PolicyKey.For(after);
            query = query.Where(p => string.Compare(p.Id, afterId) > 0);
        }
        return await query.OrderBy(p => p.Id).Take(limit).ToListAsync(ct);
    }

    /// <summary>
    /// Runs a decision against the policy's current state and commits its events. Returns the state after
    /// them (null when the policy does not exist afterwards), or the refusal.
    /// </summary>
    public async Task<(Policy? Policy, ApiError? Error)> ChangeAsync(Caller caller, string name, Decide decide, CancellationToken ct)
    {
        var key = PolicyKey.For(name);
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession(caller.TenantId);
            var stream = await session.Events.FetchForWriting<Policy>(key, ct);
            var (decided, refused) = decide(stream.Aggregate, caller.ActorId, clock.GetUtcNow());
            if (refused is not null) return (null, ToApiError(refused));
            var events = decided.ToArray();
            var after = events.Aggregate(stream.Aggregate, Evolve);
            if (events.Length == 0) return (after is { Exists: true } ? after : null, null);

            stream.AppendMany(events);
            try
            {
                await session.SaveChangesAsync(ct);
                return (after is { Exists: true } ? after : null, null);
            }
            catch (Exception e) when (ConcurrencyConflicts.IsConflict(e) && attempt < MaxAttempts)
            {
                // someone else changed the policy between our read and our write: decide again on the new state
            }
        }
    }

    /// <summary>
    /// Evaluates every live policy bound to any of <paramref name="subjects"/> (exact match: <c>identity:…</c>,
    /// <c>group:…</c>): first matching rule wins, in <see cref="PolicyEvaluator"/> order; no match is a denial.
    /// </summary>
    public async Task<PolicyDecision> EvaluateAsync(string tenantId, IReadOnlyCollection<string> subjects, PolicyAction action, string path,
        CancellationToken ct = default)
    {
        var wanted = subjects.Distinct(StringComparer.Ordinal).ToArray();
        if (wanted.Length == 0) return PolicyDecision.DefaultDeny;
        var policies = await BoundToAsync(tenantId, wanted, ct);
        return PolicyEvaluator.Evaluate(policies.Select(p => p.ToEvaluable()), action, path);
    }

    /// <summary>The live policies bound to any of the subjects: one query, <c>bindings ?| subjects</c>.</summary>
    public async Task<IReadOnlyList<Policy>> BoundToAsync(string tenantId, string[] subjects, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenantId);
        return await session.Query<Policy>()
            .Where(p => !p.Removed && p.Bindings.Any(b => subjects.Contains(b)))
            .ToListAsync(ct);
    }

    // The same fold the inline projection performs, so an answer can show the state its own write produced.
    private static Policy? Evolve(Policy? state, object e) => (state, e) switch
    {
        (null, PolicyDefined defined) => Policy.Create(defined),
        (not null, PolicyDefined defined) => state.Apply(defined),
        (not null, PolicyChanged changed) => state.Apply(changed),
        (not null, PolicyBound bound) => state.Apply(bound),
        (not null, PolicyUnbound unbound) => state.Apply(unbound),
        (not null, PolicyRemoved removed) => state.Apply(removed),
        _ => throw new InvalidOperationException($"{e.GetType().Name} cannot apply to policy state {(state is null ? "none" : state.Id)}."),
    };

    public static ApiError ToApiError(PolicyError error) => error.Code switch
    {
        PolicyErrorCodes.NotFound => ApiError.NotFound(error.Code, error.Message),
        PolicyErrorCodes.Exists => ApiError.Conflict(error.Code, error.Message),
        _ => ApiError.BadRequest(error.Code, error.Message),
    };

    public static ApiError NotFound() => ToApiError(new PolicyError(PolicyErrorCodes.NotFound, "No policy exists with this name."));
}
