using System.Diagnostics;
using Marten;
using ScaiVault.Domain.Federation;
using ScaiVault.Domain.Secrets;
using ScaiVault.Federation;
using ScaiVault.Federation.Mapping;
using ScaiVault.Federation.Sync;
using ScaiVault.Http.Secrets;
using ScaiVault.Projections.Federation;

namespace ScaiVault.Http.Federation;

/// <summary>
/// One sync run of one backend: list the mapped subtree, skip what did not change (same change marker: the value
/// is not even read), import what changed (every new remote version, with provenance), record conflicts by the
/// backend's policy, and append the report to the backend's stream. Runs only on the node that holds the
/// backend's sync agent (<see cref="SyncAgentFamily"/>), so never twice at once in a cluster.
/// </summary>
public sealed class SyncRunner(IDocumentStore store, SecretStore secrets, BackendAdapters adapters, FederationStore backends,
    FederationOptions options, TimeProvider clock, ILogger<SyncRunner> logger, Wolverine.Runtime.IWolverineRuntime runtime)
{
    private const int ImportBatch = 100;
    private const int MaxReportedPaths = 1000;
    private const int ReadParallelism = 8;

    public async Task<SyncReport?> RunAsync(string tenant, string backendId, string trigger, CancellationToken outer)
    {
        var backend = await backends.LoadAsync(tenant, backendId, outer);
        if (backend is null || backend.Settings.Mode != FederationMode.Sync) return null;

        var runId = "sync_" + Guid.CreateVersion7().ToString("N");
        var started = Stopwatch.StartNew();
        await backends.AppendAsync(tenant, backendId, [new SyncStarted(backendId, runId, trigger, clock.GetUtcNow(), runtime.Options.UniqueNodeId.ToString("N")[..12])], outer);
        logger.LogInformation("federation.sync.started backend {BackendId} tenant {Tenant} run {RunId} trigger {Trigger}", backendId, tenant, runId, trigger);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(outer);
        timeout.CancelAfter(options.SyncTimeout);
        var run = new Run(backendId, runId);
        IFederationBackend? adapter = null;
        try
        {
            adapter = adapters.For(tenant, backend);
            var callsBefore = adapter.OutboundCalls;
            await SyncAsync(tenant, backend, adapter, run, timeout.Token);
            var report = run.Report(started.ElapsedMilliseconds, adapter.OutboundCalls - callsBefore);
            await backends.AppendAsync(tenant, backendId, [.. run.Events, new SyncCompleted(backendId, runId, report, clock.GetUtcNow())], outer,
                run.Pushes(tenant, backend));
            logger.LogInformation(
                "federation.sync.completed backend {BackendId} run {RunId}: synced {Synced}, unchanged {Unchanged}, skipped {Skipped}, conflicts {Conflicts}, errors {Errors}, {DurationMs} ms",
                backendId, runId, report.Synced, report.Unchanged, report.Skipped.Count, report.Conflicts, report.Errors.Count, report.DurationMs);
            return report;
        }
        catch (Exception e) when (e is FederationBackendException || (e is OperationCanceledException && !outer.IsCancellationRequested))
        {
            var failure = e is FederationBackendException f ? f.Failure : BackendFailure.Timeout;
            var reason = e is FederationBackendException ? e.Message : $"The run took longer than {options.SyncTimeout}.";
            var report = run.Report(started.ElapsedMilliseconds, adapter?.OutboundCalls ?? 0);
            var now = clock.GetUtcNow();
            List<object> events = [.. run.Events, new SyncFailed(backendId, runId, failure.ToWire(), reason, report, now)];
            if (failure is BackendFailure.Unavailable or BackendFailure.Timeout)
                events.Add(new BackendUnreachable(backendId, failure.ToWire(), reason, now));
            await backends.AppendAsync(tenant, backendId, events, outer, run.Pushes(tenant, backend));
            logger.LogWarning("federation.sync.failed backend {BackendId} run {RunId}: {Failure} {Reason}", backendId, runId, failure, reason);
            if (failure is BackendFailure.Unavailable or BackendFailure.Timeout)
                logger.LogWarning("federation.backend.unreachable backend {BackendId}: {Failure}", backendId, failure);
            return report;
        }
    }

    private async Task SyncAsync(string tenant, FederationBackend backend, IFederationBackend adapter, Run run, CancellationToken ct)
    {
        var mapping = PathMapping.From(backend.Settings.PathMapping);
        var (conflicts, proxied) = await ConflictsAndProxiesAsync(tenant, backend, ct);

        // 1. What the backend holds under each mapped prefix, deduplicated (a name belongs to the first entry that maps it).
        var candidates = new List<Candidate>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (rule, prefix, exact) in mapping.SyncSources())
        {
            IAsyncEnumerable<RemoteSecretRef> listing = exact ? One(prefix) : adapter.ListAsync(prefix, ct);
            await foreach (var remote in listing.WithCancellation(ct))
            {
                if (!seen.Add(remote.Name)) continue;
                var (path, matched, skip) = mapping.ToScaiVault(remote.Name);
                if (skip is not null) { run.Skip(remote.Name, null, skip); continue; }
                if (proxied(path!)) { run.Skip(remote.Name, path, "proxied: another backend serves this ScaiVault path in proxy mode"); continue; }
                candidates.Add(new Candidate(remote, path!, matched!));
            }
        }

        // 2. Decide per path against the local state (one batched load) and the open conflicts. Where the listing cannot
        //    tell whether the remote changed (the backend lists no marker, or none is known since a write-through), the
        //    path's versions are read first and decide.
        var imports = new List<Pending>();
        var undecided = new List<Pending>();
        foreach (var chunk in candidates.Chunk(1000))
        {
            await using var session = store.QuerySession(tenant);
            var locals = (await session.LoadManyAsync<Secret>(ct, chunk.Select(c => c.Path).ToArray())).ToDictionary(s => s.Id, StringComparer.Ordinal);
            foreach (var candidate in chunk)
            {
                var local = locals.GetValueOrDefault(candidate.Path);
                var state = LocalStateOf(local, backend.Id, conflicts?.Baselines.GetValueOrDefault(candidate.Path));
                var excluded = conflicts?.Open.ContainsKey(candidate.Path) == true;
                var pending = new Pending(candidate, local, state);
                if (!excluded && state?.BaselineRemoteVersion is not null && SyncDecision.RemoteChangedByMarker(candidate.Remote.ChangeMarker, state) is null)
                    undecided.Add(pending);
                else
                    Route(SyncDecision.Decide(candidate.Remote.ChangeMarker, state, excluded, backend.Settings.ConflictResolution), pending);
            }
        }
        // Undecided paths a batch at a time, importing what changed right away: values read ahead are not held for the
        // whole run.
        foreach (var chunk in undecided.Chunk(ImportBatch))
        {
            await ReadAheadAsync(adapter, chunk, run, ct);
            var changedNow = new List<Pending>();
            foreach (var pending in chunk)
            {
                if (pending.Versions is not { } versions) continue;
                if (versions.Count == 0) { run.Skip(pending.Candidate.Remote.Name, pending.Candidate.Path, "gone: the backend no longer holds it"); continue; }
                var changed = SyncDecision.RemoteChangedByVersion(versions[^1], pending.State!);
                pending.ValueChanged = changed is null && await ValueDiffersAsync(tenant, pending, ct);
                var outcome = SyncDecision.Decide(changed ?? pending.ValueChanged, pending.State, false, backend.Settings.ConflictResolution);
                if (outcome.Action == SyncAction.Unchanged) run.CaughtUp(pending, versions[^1].RemoteVersion, clock.GetUtcNow());
                else if (outcome.Action == SyncAction.Import) { pending.Conflict = outcome.Conflict; changedNow.Add(pending); }
                else Route(outcome, pending);
            }
            await ImportBatchAsync([.. changedNow]);
        }

        // 3. Read and import what changed, in batches of one transaction each.
        foreach (var batch in imports.Chunk(ImportBatch)) await ImportBatchAsync(batch);

        async Task ImportBatchAsync(Pending[] batch)
        {
            if (batch.Length == 0) return;
            if (adapter is IBatchReadingBackend many) await ReadCurrentValuesAsync(many, batch, ct);
            var items = new List<(SecretStore.Import Import, Pending Pending)>();
            foreach (var pending in batch)
            {
                var import = await ReadAsync(adapter, backend.Id, pending, run, ct);
                if (import is not null) items.Add((import, pending));
            }
            await ImportAsync(tenant, backend.Id, items, run, ct);
        }

        void Route(SyncOutcome outcome, Pending pending)
        {
            switch (outcome.Action)
            {
                case SyncAction.Unchanged: run.Unchanged++; break;
                case SyncAction.Excluded: run.Skip(pending.Candidate.Remote.Name, pending.Candidate.Path, "manual_conflict: excluded from sync until the conflict is resolved"); break;
                case SyncAction.Import: pending.Conflict = outcome.Conflict; imports.Add(pending); break;
                case SyncAction.Conflict: run.Conflict(pending, outcome.Resolution!.Value, clock.GetUtcNow()); break;
            }
        }
    }

    /// <summary>
    /// A backend that reads many current values per call (AWS BatchGetSecretValue: 20 a call) serves the secrets imported
    /// before: their new current value is what gets imported (AWS keeps only labelled versions anyway), one call per 20
    /// instead of a version listing plus a read per version each. First imports still read the whole history.
    /// </summary>
    private async Task ReadCurrentValuesAsync(IBatchReadingBackend many, Pending[] batch, CancellationToken ct)
    {
        var known = batch.Where(p => p.Versions is null && p.State is { FromThisBackend: true, BaselineRemoteVersion: not null }).ToList();
        if (known.Count == 0) return;
        var result = await BackendFailures.BoundedAsync(options.SyncTimeout, ct, c => many.ReadManyAsync([.. known.Select(p => p.Candidate.Remote.Name)], c));
        foreach (var pending in known)
        {
            if (result.Found.TryGetValue(pending.Candidate.Remote.Name, out var current)) pending.Versions = current is null ? [] : [current];
            // A secret the batch could not read is read alone below, where its failure is reported or ends the run.
            else if (result.Failed.GetValueOrDefault(pending.Candidate.Remote.Name) is { Failure: BackendFailure.Unavailable or BackendFailure.Timeout or BackendFailure.Throttled } down)
                throw down;
        }
    }

    /// <summary>Reads the versions of the undecided paths, a few at a time; a secret that cannot be read is an error of the run, not its end.</summary>
    private async Task ReadAheadAsync(IFederationBackend adapter, Pending[] undecided, Run run, CancellationToken ct)
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<(Pending Pending, FederationBackendException Error)>();
        await Parallel.ForEachAsync(undecided, new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = ct }, async (pending, c) =>
        {
            try
            {
                pending.Versions = await BackendFailures.BoundedAsync(options.ProxyTimeout, c, t => adapter.ReadVersionsAsync(pending.Candidate.Remote.Name, t));
            }
            catch (FederationBackendException e) when (e.Failure is BackendFailure.AccessDenied or BackendFailure.BadResponse)
            {
                failures.Add((pending, e));
            }
        });
        foreach (var (pending, e) in failures) run.Error(pending.Candidate.Remote.Name, pending.Candidate.Path, e.Failure.ToWire(), e.Message);
    }

    /// <summary>
    /// For backends whose version ids do not tell values apart (Vault KV v1): does the remote value differ from the local
    /// version both sides last agreed on? Compared in memory only; neither value is kept or logged.
    /// </summary>
    private async Task<bool> ValueDiffersAsync(string tenant, Pending pending, CancellationToken ct)
    {
        if (pending.Versions![^1].Value is not { } value || pending.State!.BaselineLocalVersion is not { } agreed) return false;
        ValueTransform.TryParse(pending.Candidate.Rule.Transform, out var transform, out _);
        var (remote, _) = transform!.Apply(value);
        if (remote is null) return true;   // the import reports why the transform failed
        var (opened, _) = await secrets.ReadAsync(new Auth.Caller($"federation:{pending.Candidate.Remote.Name}", tenant, false, [], []), pending.Candidate.Path, agreed, ct);
        // The agreed local version was destroyed since: nothing to compare with, and importing on every run would churn.
        if (opened is null) return false;
        try
        {
            return opened.SecretType != remote.SecretType || !opened.Plaintext.AsSpan().SequenceEqual(remote.Bytes);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(opened.Plaintext);
        }
    }

    private async Task<SecretStore.Import?> ReadAsync(IFederationBackend adapter, string backendId, Pending pending, Run run, CancellationToken ct)
    {
        var candidate = pending.Candidate;
        var versions = pending.Versions;
        if (versions is null)
        {
            try
            {
                versions = await BackendFailures.BoundedAsync(options.ProxyTimeout, ct, c => adapter.ReadVersionsAsync(candidate.Remote.Name, c));
            }
            catch (FederationBackendException e) when (e.Failure is BackendFailure.AccessDenied or BackendFailure.BadResponse)
            {
                // One unreadable secret does not stop the run; an unreachable backend does (rethrown above this).
                run.Error(candidate.Remote.Name, candidate.Path, e.Failure.ToWire(), e.Message);
                return null;
            }
        }

        // Import only what is newer than the baseline's remote version (all of the history the first time).
        var start = 0;
        if (pending.ValueChanged) start = versions.Count - 1;
        else if (pending.State?.BaselineRemoteVersion is { } last)
        {
            var index = versions.ToList().FindIndex(v => v.RemoteVersion == last);
            // Nothing newer than the baseline: the marker moved without a new value (after a write-through, say).
            if (index >= 0 && index == versions.Count - 1) { run.CaughtUp(pending, last, clock.GetUtcNow()); return null; }
            start = index >= 0 ? index + 1 : versions.Count - 1;
        }
        ValueTransform.TryParse(candidate.Rule.Transform, out var transform, out _);
        var readable = new List<SecretStore.ImportedVersion>();
        for (var i = Math.Max(0, start); i < versions.Count; i++)
        {
            var version = versions[i];
            if (version.Value is null || version.State != RemoteVersionState.Active) continue;
            var (value, error) = transform!.Apply(version.Value);
            if (value is null) { run.Error(candidate.Remote.Name, candidate.Path, "transform_failed", error!); return null; }
            readable.Add(new SecretStore.ImportedVersion(value.SecretType, value.Bytes,
                new ImportedFrom(backendId, candidate.Remote.Name, version.RemoteVersion, candidate.Remote.ChangeMarker, run.RunId)));
        }
        if (readable.Count == 0)
        {
            run.Skip(candidate.Remote.Name, candidate.Path, "no_readable_version: the backend's current version is deleted, disabled or destroyed");
            return null;
        }
        return new SecretStore.Import(candidate.Path, readable, versions[^1].Tags.Count > 0 ? versions[^1].Tags : null);
    }

    private async Task ImportAsync(string tenant, string backendId, List<(SecretStore.Import Import, Pending Pending)> items, Run run, CancellationToken ct)
    {
        if (items.Count == 0) return;
        var by = $"federation:{backendId}";
        try
        {
            await secrets.ImportAsync(tenant, [.. items.Select(i => i.Import)], by, ct);
            foreach (var item in items) run.Imported(item.Import, item.Pending, clock.GetUtcNow());
        }
        catch (Exception e) when (Errors.ConcurrencyConflicts.IsConflict(e))
        {
            // A local write landed during the run: import the others one by one; the raced path waits for the next run.
            foreach (var item in items)
            {
                try
                {
                    await secrets.ImportAsync(tenant, [item.Import], by, ct);
                    run.Imported(item.Import, item.Pending, clock.GetUtcNow());
                }
                catch (Exception inner) when (Errors.ConcurrencyConflicts.IsConflict(inner))
                {
                    run.Error(item.Pending.Candidate.Remote.Name, item.Pending.Candidate.Path, "local_write_during_sync", "A local write landed during the sync; the next run decides again.");
                }
            }
        }
    }

    private async Task<(BackendConflicts? Conflicts, Func<string, bool> Proxied)> ConflictsAndProxiesAsync(string tenant, FederationBackend backend, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenant);
        var conflicts = await session.LoadAsync<BackendConflicts>(backend.Id, ct);
        var proxies = (await session.Query<FederationBackend>().Where(b => !b.Removed).ToListAsync(ct))
            .Where(b => b.Id != backend.Id && b.Settings.Mode == FederationMode.Proxy)
            .Select(b => PathMapping.From(b.Settings.PathMapping)).ToArray();
        return (conflicts, path => proxies.Any(p => p.ToBackend(path) is not null));
    }

    private static LocalState? LocalStateOf(Secret? local, string backendId, ConflictBaseline? resolved)
    {
        if (local is null) return null;
        var origin = local.Origin is { } o && o.BackendId == backendId ? o : null;
        var (marker, localVersion, remoteVersion) = (origin?.ChangeMarker, origin?.LocalVersion, origin?.RemoteVersion);
        // A later resolution, write-through or advanced baseline is the newer agreement between both sides.
        if (resolved is not null && (localVersion is null || resolved.LocalVersion >= localVersion))
            (marker, localVersion, remoteVersion) = (resolved.RemoteMarker, resolved.LocalVersion, resolved.RemoteVersion ?? remoteVersion);
        return new LocalState(local.Exists, local.LastVersion, marker, localVersion, origin is not null || resolved is not null, remoteVersion);
    }

    private static async IAsyncEnumerable<RemoteSecretRef> One(string name)
    {
        await Task.CompletedTask;
        yield return new RemoteSecretRef(name, null);
    }

    private sealed record Candidate(RemoteSecretRef Remote, string Path, MappingRule Rule);

    /// <summary>A listed path on its way through one run: its local side, and what reading it found (when it was read).</summary>
    private sealed class Pending(Candidate candidate, Secret? local, LocalState? state)
    {
        public Candidate Candidate => candidate;
        public Secret? Local => local;
        public LocalState? State => state;
        public IReadOnlyList<RemoteSecret>? Versions { get; set; }
        /// <summary>Only the value showed the change (KV v1): import the current value.</summary>
        public bool ValueChanged { get; set; }
        /// <summary>Imported under the backend_wins policy over a local change.</summary>
        public bool Conflict { get; set; }
        public string? RemoteVersion => Versions is [.., var newest] ? newest.RemoteVersion : null;
    }

    /// <summary>What one run has done so far: counts, bounded path lists, and the backend-stream events to append.</summary>
    private sealed class Run(string backendId, string runId)
    {
        public string RunId => runId;
        public int Unchanged;
        private int _synced, _versions, _conflicts;
        private readonly List<SkippedPath> _skipped = [];
        private readonly List<SyncError> _errors = [];
        public List<object> Events { get; } = [];
        private readonly List<(string Path, int LocalVersion)> _localWins = [];

        /// <summary>Local won a conflict by policy: with write-through on, the backend gets the local value (at least once, like a write).</summary>
        public IReadOnlyList<object> Pushes(string tenant, FederationBackend backend) =>
            backend.Settings.WriteThrough ? [.. _localWins.Select(w => new DeliverWriteThrough(tenant, backend.Id, w.Path, w.LocalVersion))] : [];

        public void Skip(string name, string? path, string reason)
        {
            if (_skipped.Count < MaxReportedPaths) _skipped.Add(new SkippedPath(name, path, reason));
        }

        public void Error(string name, string? path, string failure, string message)
        {
            if (_errors.Count < MaxReportedPaths) _errors.Add(new SyncError(name, path, failure, message));
        }

        public void Conflict(Pending pending, ConflictResolution policy, DateTimeOffset now)
        {
            var (candidate, local) = (pending.Candidate, pending.Local!);
            _conflicts++;
            Events.Add(new SyncConflictDetected(backendId, candidate.Path, candidate.Remote.Name, local.LastVersion, pending.RemoteVersion,
                candidate.Remote.ChangeMarker, policy, runId, now));
            if (policy != ConflictResolution.LocalWins) return;
            Events.Add(new SyncConflictResolved(backendId, candidate.Path, "local", local.LastVersion, candidate.Remote.ChangeMarker,
                "policy:local_wins", now, pending.RemoteVersion));
            _localWins.Add((candidate.Path, local.LastVersion));
        }

        /// <summary>
        /// Read, and nothing newer than the baseline: unchanged. When the listing's marker moved (a write-through, a metadata
        /// edit), it becomes the baseline so the next run skips the path without reading it.
        /// </summary>
        public void CaughtUp(Pending pending, string remoteVersion, DateTimeOffset now)
        {
            Unchanged++;
            if (pending.Candidate.Remote.ChangeMarker is { } marker && marker != pending.State?.BaselineMarker && pending.State?.BaselineLocalVersion is { } agreed)
                Events.Add(new SyncBaselineAdvanced(backendId, pending.Candidate.Path, marker, remoteVersion, agreed, runId, now));
        }

        public void Imported(SecretStore.Import import, Pending pending, DateTimeOffset now)
        {
            var (candidate, local, conflict) = (pending.Candidate, pending.Local, pending.Conflict);
            _synced++;
            _versions += import.Versions.Count;
            if (!conflict) return;
            _conflicts++;
            var remoteVersion = import.Versions[^1].Provenance.RemoteVersion;
            Events.Add(new SyncConflictDetected(backendId, candidate.Path, candidate.Remote.Name, local?.LastVersion ?? 0, remoteVersion,
                candidate.Remote.ChangeMarker, ConflictResolution.BackendWins, runId, now));
            Events.Add(new SyncConflictResolved(backendId, candidate.Path, "backend", (local?.LastVersion ?? 0) + import.Versions.Count,
                candidate.Remote.ChangeMarker, "policy:backend_wins", now));
        }

        public SyncReport Report(long durationMs, long calls) =>
            new(_synced, _versions, Unchanged, [.. _skipped], _conflicts, [.. _errors], durationMs, calls);
    }
}
