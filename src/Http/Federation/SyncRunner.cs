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
            await backends.AppendAsync(tenant, backendId, [.. run.Events, new SyncCompleted(backendId, runId, report, clock.GetUtcNow())], outer);
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
            await backends.AppendAsync(tenant, backendId, events, outer);
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

        // 2. Decide per path against the local state (one batched load) and the open conflicts.
        var imports = new List<(Candidate Candidate, Secret? Local, bool Conflict)>();
        foreach (var chunk in candidates.Chunk(1000))
        {
            await using var session = store.QuerySession(tenant);
            var locals = (await session.LoadManyAsync<Secret>(ct, chunk.Select(c => c.Path).ToArray())).ToDictionary(s => s.Id, StringComparer.Ordinal);
            foreach (var candidate in chunk)
            {
                var local = locals.GetValueOrDefault(candidate.Path);
                var state = LocalStateOf(local, backend.Id, conflicts?.Baselines.GetValueOrDefault(candidate.Path));
                var excluded = conflicts?.Open.ContainsKey(candidate.Path) == true;
                var outcome = SyncDecision.Decide(candidate.Remote.ChangeMarker, state, excluded, backend.Settings.ConflictResolution);
                switch (outcome.Action)
                {
                    case SyncAction.Unchanged: run.Unchanged++; break;
                    case SyncAction.Excluded: run.Skip(candidate.Remote.Name, candidate.Path, "manual_conflict: excluded from sync until the conflict is resolved"); break;
                    case SyncAction.Import: imports.Add((candidate, local, outcome.Conflict)); break;
                    case SyncAction.Conflict:
                        run.Conflict(candidate, local!, outcome.Resolution!.Value, clock.GetUtcNow());
                        break;
                }
            }
        }

        // 3. Read and import what changed, in batches of one transaction each.
        foreach (var batch in imports.Chunk(ImportBatch))
        {
            var items = new List<(SecretStore.Import Import, Candidate Candidate, Secret? Local, bool Conflict)>();
            foreach (var (candidate, local, conflict) in batch)
            {
                var import = await ReadAsync(adapter, backend.Id, candidate, local, run, ct);
                if (import is not null) items.Add((import, candidate, local, conflict));
            }
            await ImportAsync(tenant, backend.Id, items, run, ct);
        }
    }

    private async Task<SecretStore.Import?> ReadAsync(IFederationBackend adapter, string backendId, Candidate candidate, Secret? local, Run run, CancellationToken ct)
    {
        IReadOnlyList<RemoteSecret> versions;
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

        // Import only what is newer than the last imported remote version (all of the history the first time).
        var origin = local?.Origin is { } o && o.BackendId == backendId ? o : null;
        var start = 0;
        if (origin?.RemoteVersion is { } last)
        {
            var index = versions.ToList().FindIndex(v => v.RemoteVersion == last);
            // Nothing newer than the last import: a backend without a list change marker (GCP) lands here on every run.
            if (index == versions.Count - 1) { run.Unchanged++; return null; }
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

    private async Task ImportAsync(string tenant, string backendId, List<(SecretStore.Import Import, Candidate Candidate, Secret? Local, bool Conflict)> items,
        Run run, CancellationToken ct)
    {
        if (items.Count == 0) return;
        var by = $"federation:{backendId}";
        try
        {
            await secrets.ImportAsync(tenant, [.. items.Select(i => i.Import)], by, ct);
            foreach (var item in items) run.Imported(item.Import, item.Candidate, item.Local, item.Conflict, clock.GetUtcNow());
        }
        catch (Exception e) when (Errors.ConcurrencyConflicts.IsConflict(e))
        {
            // A local write landed during the run: import the others one by one; the raced path waits for the next run.
            foreach (var item in items)
            {
                try
                {
                    await secrets.ImportAsync(tenant, [item.Import], by, ct);
                    run.Imported(item.Import, item.Candidate, item.Local, item.Conflict, clock.GetUtcNow());
                }
                catch (Exception inner) when (Errors.ConcurrencyConflicts.IsConflict(inner))
                {
                    run.Error(item.Candidate.Remote.Name, item.Candidate.Path, "local_write_during_sync", "A local write landed during the sync; the next run decides again.");
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
        string? marker = origin?.ChangeMarker;
        int? localVersion = origin?.LocalVersion;
        // A later "local wins" resolution is the newer baseline: both sides agreed on that remote marker and local version.
        if (resolved is not null && (localVersion is null || resolved.LocalVersion >= localVersion))
            (marker, localVersion) = (resolved.RemoteMarker, resolved.LocalVersion);
        return new LocalState(local.Exists, local.LastVersion, marker, localVersion, origin is not null || resolved is not null);
    }

    private static async IAsyncEnumerable<RemoteSecretRef> One(string name)
    {
        await Task.CompletedTask;
        yield return new RemoteSecretRef(name, null);
    }

    private sealed record Candidate(RemoteSecretRef Remote, string Path, MappingRule Rule);

    /// <summary>What one run has done so far: counts, bounded path lists, and the backend-stream events to append.</summary>
    private sealed class Run(string backendId, string runId)
    {
        public string RunId => runId;
        public int Unchanged;
        private int _synced, _versions, _conflicts;
        private readonly List<SkippedPath> _skipped = [];
        private readonly List<SyncError> _errors = [];
        public List<object> Events { get; } = [];

        public void Skip(string name, string? path, string reason)
        {
            if (_skipped.Count < MaxReportedPaths) _skipped.Add(new SkippedPath(name, path, reason));
        }

        public void Error(string name, string? path, string failure, string message)
        {
            if (_errors.Count < MaxReportedPaths) _errors.Add(new SyncError(name, path, failure, message));
        }

        public void Conflict(Candidate candidate, Secret local, ConflictResolution policy, DateTimeOffset now)
        {
            _conflicts++;
            Events.Add(new SyncConflictDetected(backendId, candidate.Path, candidate.Remote.Name, local.LastVersion, null,
                candidate.Remote.ChangeMarker, policy, runId, now));
            if (policy == ConflictResolution.LocalWins)
                Events.Add(new SyncConflictResolved(backendId, candidate.Path, "local", local.LastVersion, candidate.Remote.ChangeMarker,
                    "policy:local_wins", now));
        }

        public void Imported(SecretStore.Import import, Candidate candidate, Secret? local, bool conflict, DateTimeOffset now)
        {
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
