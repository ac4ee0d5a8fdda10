using JasperFx.Events;
using Marten;
using ScaiVault.Domain.Crypto;
using ScaiVault.Domain.Identities;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Identities;
using ScaiVault.Projections.Secrets;

namespace ScaiVault.Http.Forensics;

/// <summary>The last event an answer includes: its global sequence and the time Marten recorded it.</summary>
public sealed record EventMark(long Sequence, DateTimeOffset RecordedAt)
{
    public static EventMark? Of(IReadOnlyList<IEvent> events) =>
        events.Count == 0 ? null : events.MaxBy(e => e.Sequence) is { } last ? new(last.Sequence, last.Timestamp) : null;
}

/// <summary>A secret as it stood at a time: its state, its version list and the ciphertexts written up to then.</summary>
public sealed record SecretAsOf(string Path, DateTimeOffset At, Secret Secret, SecretVersionHistory? History, EventMark LastEvent,
    IReadOnlyList<SecretVersionWritten> Written);

public sealed record PoliciesAsOf(DateTimeOffset At, IReadOnlyList<Policy> Policies, EventMark? LastEvent);

/// <summary>
/// Whether an identity could act on a path at a time, and why: <see cref="Reason"/> is
/// <c>identity_deleted</c>, <c>identity_disabled</c>, <c>rule</c> (a rule decided) or <c>no_matching_rule</c>.
/// </summary>
public sealed record AccessAsOf(string IdentityId, string Path, PolicyAction Action, DateTimeOffset At, bool Allowed, string Reason,
    PolicyDecision Decision, CachedIdentity? Identity, IReadOnlyList<string> TokenGroups, IReadOnlyList<string> Subjects,
    IReadOnlyList<Policy> Bound, EventMark? LastEvent);

/// <summary>A value as it could have been read at a time. Plaintext: never logged, only written to the admin's answer.</summary>
public sealed record ValueAsOf(int Version, SecretType SecretType, byte[] Plaintext, string CreatedBy, DateTimeOffset CreatedAt);

/// <summary>
/// Forensic replay from the events alone: every answer folds the streams' events up to a time through the
/// same aggregates and projections that build the live read models, never from the read models themselves.
/// "At T" means every event whose stored timestamp (Marten's <c>timestamp</c> column: the time its
/// transaction began in PostgreSQL) is at or before T. Everything is per tenant (conjoined tenancy).
/// </summary>
public sealed class ForensicReplay(IDocumentStore store, IRootKeyProvider rootKey)
{
    /// <summary>The secret at <paramref name="path"/> as of <paramref name="at"/>; null when no event of it was recorded by then.</summary>
    public async Task<SecretAsOf?> SecretAsync(string tenant, string path, DateTimeOffset at, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenant);
        var events = await session.Events.FetchStreamAsync(path, timestamp: at, token: ct);
        if (events.Count == 0) return null;
        var secret = await FoldAsync<Secret>(session, events, ct);
        if (secret is null) return null;
        var history = await FoldAsync<SecretVersionHistory>(session, events, ct);
        return new SecretAsOf(path, at, secret, history, EventMark.Of(events)!,
            [.. events.Select(e => e.Data).OfType<SecretVersionWritten>()]);
    }

    /// <summary>Every policy that existed (defined and not removed) at <paramref name="at"/>, in name order, with its bindings then.</summary>
    public async Task<PoliciesAsOf> PoliciesAsync(string tenant, DateTimeOffset at, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenant);
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.Timestamp <= at && e.StreamKey!.StartsWith(PolicyKey.Prefix))
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);
        var policies = new List<Policy>();
        foreach (var stream in events.GroupBy(e => e.StreamKey!, StringComparer.Ordinal))
            if (await FoldAsync<Policy>(session, [.. stream], ct) is { Exists: true } policy) policies.Add(policy);
        return new PoliciesAsOf(at, [.. policies.OrderBy(p => p.Name, StringComparer.Ordinal)], EventMark.Of(events));
    }

    /// <summary>What ScaiKey had told ScaiVault about a user by <paramref name="at"/>; null when nothing.</summary>
    public async Task<(Identity? Identity, EventMark? LastEvent)> IdentityAsync(string tenant, string userId, DateTimeOffset at, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenant);
        var events = await session.Events.FetchStreamAsync(Identity.KeyFor(userId), timestamp: at, token: ct);
        return events.Count == 0 ? (null, null) : (await FoldAsync<Identity>(session, events, ct), EventMark.Of(events));
    }

    /// <summary>
    /// Whether <paramref name="userId"/> could do <paramref name="action"/> on <paramref name="path"/> at <paramref name="at"/>:
    /// the identity and the policies as of that time, decided by the very rules a live request goes through
    /// (<see cref="PathAccess.IsLockedOut"/>, <see cref="PathAccess.Subjects"/>, <see cref="PolicyEvaluator"/>).
    /// <paramref name="tokenGroups"/> stand for the groups of the caller's token, which count only while ScaiKey
    /// never sent a full profile of the user.
    /// </summary>
    public async Task<AccessAsOf> AccessAsync(string tenant, string userId, IReadOnlyList<string> tokenGroups, PolicyAction action,
        string path, DateTimeOffset at, CancellationToken ct)
    {
        var (identity, identityMark) = await IdentityAsync(tenant, userId, at, ct);
        var policies = await PoliciesAsync(tenant, at, ct);
        var known = identity is null ? null : IdentityCache.From(tenant, userId, identity);
        var caller = new Caller(userId, tenant, IsRoot: false, tokenGroups, []);
        var subjects = PathAccess.Subjects(caller, known);
        var bound = policies.Policies.Where(p => p.Bindings.Any(b => subjects.Contains(b, StringComparer.Ordinal))).ToList();
        var mark = new[] { identityMark, policies.LastEvent }.Where(m => m is not null).MaxBy(m => m!.Sequence);

        if (PathAccess.IsLockedOut(known))
            return new AccessAsOf(userId, path, action, at, false, known!.Deleted ? "identity_deleted" : "identity_disabled",
                PolicyDecision.DefaultDeny, known, tokenGroups, subjects, bound, mark);
        var decision = PolicyEvaluator.Evaluate(bound.Select(p => p.ToEvaluable()), action, path);
        return new AccessAsOf(userId, path, action, at, decision.Allowed, decision.PolicyName is null ? "no_matching_rule" : "rule",
            decision, known, tokenGroups, subjects, bound, mark);
    }

    /// <summary>
    /// The value a read of <paramref name="version"/> (default: the current one) would have returned at the
    /// replayed time, opened with the data key as it is stored today. A version destroyed since then has no key
    /// any more (crypto-shredding), so its value cannot be replayed: that is the point of destroying it.
    /// </summary>
    public async Task<(ValueAsOf? Value, ApiError? Error)> ValueAsync(string tenant, SecretAsOf replayed, int? version, CancellationToken ct)
    {
        var secret = replayed.Secret;
        var when = ReplayJson.Time(replayed.At);
        if (secret.Deleted)
            return (null, ApiError.NotFound(SecretErrorCodes.NotFound, $"The secret at this path was deleted as of {when}."));
        var v = version ?? secret.LastVersion;
        switch (secret.StateOf(v))
        {
            case VersionState.Unknown:
                return (null, ApiError.NotFound(SecretErrorCodes.UnknownVersion, $"Version {v} did not exist as of {when}; the current version then was {secret.LastVersion}."));
            case VersionState.SoftDeleted:
                return (null, ApiError.NotFound(SecretErrorCodes.VersionDeleted, $"Version {v} was soft-deleted as of {when}; a read then would not have returned it."));
            case VersionState.Destroyed:
                return (null, new ApiError(410, SecretErrorCodes.VersionDestroyed, $"Version {v} was already destroyed as of {when}; its value is gone for good."));
        }

        var written = replayed.Written.LastOrDefault(w => w.Version == v);
        await using var session = store.QuerySession(tenant);
        var batch = session.CreateBatchQuery();
        var ringTask = batch.Load<SecretKeyRing>(replayed.Path);
        var olderTask = batch.Load<SecretVersionKey>(SecretVersionKey.IdFor(replayed.Path, v));
        await batch.Execute(ct);
        var wrapped = (await ringTask)?.Keys.GetValueOrDefault(v) ?? (await olderTask)?.Key;
        if (written is null || wrapped is null)
            return (null, new ApiError(410, ForensicErrorCodes.ValueShredded,
                $"Version {v} was readable as of {when} but has been destroyed since: its data key is gone, so its value cannot be replayed."));

        var associated = Envelope.AssociatedData(tenant, replayed.Path, v);
        var dataKey = await rootKey.UnwrapAsync(wrapped, associated, ct);
        try
        {
            return (new ValueAsOf(v, written.SecretType, Envelope.Open(dataKey, written.Value, associated), written.WrittenBy, written.WrittenAt), null);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    // The aggregator Marten itself uses for AggregateStreamAsync and inline projections of T, so a replayed state is
    // built by exactly the code that built the live document; one fetched event list can feed several of them.
    private async Task<T?> FoldAsync<T>(IQuerySession session, IReadOnlyList<IEvent> events, CancellationToken ct) where T : class =>
        await ((DocumentStore)store).Options.Projections.AggregatorFor<T>().BuildAsync(events, session, null!, ct);
}
