using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace ScaiVault.Federation.Vault;

/// <summary>
/// HashiCorp Vault behind the federation port: KV v2 and v1 mounts (the version is discovered per
/// mount), recursive listing, current and versioned reads with metadata, write-through.
/// Names are Vault API paths after <c>/v1/</c>: <c>kv/data/apps/billing/db</c> (v2), <c>old/apps/db</c> (v1).
/// </summary>
public sealed class VaultBackend : IFederationBackend
{
    /// <summary>Per-secret metadata and version reads in flight at once: Vault has no bulk API, so parallelism hides the round trips.</summary>
    private const int Parallelism = 8;
    /// <summary>The remote version of a KV v1 secret: v1 keeps no versions or ids, so changes show only in the value.</summary>
    public const string KvV1Version = "current";

    private readonly VaultHttp _http;
    private readonly VaultSession _session;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, VaultMount> _mounts = new(StringComparer.Ordinal);

    internal VaultBackend(VaultConfig config, BackendConnection connection, TimeProvider clock, ILogger logger)
    {
        _clock = clock;
        _http = new VaultHttp(new HttpClient(VaultTls.CreateHandler(config)) { Timeout = Timeout.InfiniteTimeSpan }, config);
        _session = new VaultSession(config, _http, connection, clock, logger);
    }

    public string Type => VaultBackendFactory.TypeName;

    public long OutboundCalls => _http.Calls;

    public async Task<TimeSpan> CheckAsync(CancellationToken ct)
    {
        await _session.TokenAsync(ct);
        var watch = Stopwatch.StartNew();
        var reply = await CallAsync("GET", "auth/token/lookup-self", null, ct);
        watch.Stop();
        if (!reply.IsSuccess) throw Unexpected(reply, "GET auth/token/lookup-self");
        return watch.Elapsed;
    }

    public async IAsyncEnumerable<RemoteSecretRef> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var root = await ResolveAsync(prefix, ct);
        var keyPrefix = root.Key;
        var folders = new Stack<string>([keyPrefix[..(keyPrefix.LastIndexOf('/') + 1)]]);
        while (folders.TryPop(out var folder))
        {
            var reply = await CallAsync("LIST", root.ListPath(folder), null, ct);
            if (reply.Status == 404) continue;
            if (!reply.IsSuccess || !TryKeys(reply, out var keys)) throw Unexpected(reply, "LIST " + root.ListPath(folder));

            var leaves = new List<string>();
            var subfolders = new List<string>();
            foreach (var key in keys)
            {
                var full = folder + key;
                if (key.EndsWith('/'))
                {
                    if (full.StartsWith(keyPrefix, StringComparison.Ordinal) || keyPrefix.StartsWith(full, StringComparison.Ordinal)) subfolders.Add(full);
                }
                else if (full.StartsWith(keyPrefix, StringComparison.Ordinal)) leaves.Add(full);
            }
            for (var i = subfolders.Count - 1; i >= 0; i--) folders.Push(subfolders[i]);

            if (root.Mount.Version != 2)
            {
                foreach (var leaf in leaves) yield return new RemoteSecretRef(root.NameOf(leaf), null);
                continue;
            }
            var markers = new string?[leaves.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, leaves.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
                async (i, token) => markers[i] = await ChangeMarkerAsync(root, leaves[i], token));
            for (var i = 0; i < leaves.Count; i++)
                if (markers[i] is { } marker) yield return new RemoteSecretRef(root.NameOf(leaves[i]), marker);
        }
    }

    public async Task<RemoteSecret?> ReadAsync(string name, CancellationToken ct)
    {
        var n = await ResolveAsync(name, ct);
        if (n.Key.Length == 0 || n.Key.EndsWith('/')) return null;
        var reply = await CallAsync("GET", n.DataPath, null, ct);
        if (reply.Status == 404) return null;
        if (!reply.IsSuccess || !TryData(reply, out var data)) throw Unexpected(reply, "GET " + n.DataPath);
        if (n.Mount.Version != 2)
            return data.ValueKind == JsonValueKind.Object ? new RemoteSecret(name, KvV1Version, VaultValues.FromObject(data), [], null) : throw Unexpected(reply, "GET " + n.DataPath);
        return Version(name, data, reply);
    }

    public async Task<IReadOnlyList<RemoteSecret>> ReadVersionsAsync(string name, CancellationToken ct)
    {
        var n = await ResolveAsync(name, ct);
        if (n.Mount.Version != 2) return await ReadAsync(name, ct) is { } only ? [only] : [];
        if (n.Key.Length == 0 || n.Key.EndsWith('/')) return [];

        var path = n.MetadataPath(n.Key);
        var reply = await CallAsync("GET", path, null, ct);
        if (reply.Status == 404) return [];
        if (!reply.IsSuccess || !TryData(reply, out var metadata) || !metadata.TryGetProperty("versions", out var versions) || versions.ValueKind != JsonValueKind.Object)
            throw Unexpected(reply, "GET " + path);

        var tags = VaultValues.Tags(metadata);
        var now = _clock.GetUtcNow();
        var numbers = versions.EnumerateObject()
            .Select(p => (Ok: int.TryParse(p.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var v), Number: v, Meta: p.Value))
            .Where(v => v.Ok).OrderBy(v => v.Number).ToArray();
        var results = new RemoteSecret?[numbers.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, numbers.Length), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (i, token) =>
            {
                var (_, number, meta) = numbers[i];
                var version = number.ToString(CultureInfo.InvariantCulture);
                var created = VaultValues.Time(meta, "created_time");
                if (VaultValues.Flag(meta, "destroyed"))
                    results[i] = new RemoteSecret(name, version, null, tags, created, RemoteVersionState.Destroyed);
                else if (VaultValues.Time(meta, "deletion_time") is { } deleted && deleted <= now)
                    results[i] = new RemoteSecret(name, version, null, tags, created, RemoteVersionState.Deleted);
                else
                {
                    var read = await CallAsync("GET", n.DataPath, null, token, "version=" + version);
                    if (read.Status == 404 && !TryData(read, out _)) return;   // pruned by max_versions since the metadata call
                    if (!TryData(read, out var data)) throw Unexpected(read, $"GET {n.DataPath}?version={version}");
                    results[i] = Version(name, data, read) with { Tags = tags };
                }
            });
        return [.. results.OfType<RemoteSecret>()];
    }

    public async Task<string> WriteAsync(string name, RemoteSecretValue value, CancellationToken ct)
    {
        var n = await ResolveAsync(name, ct);
        if (n.Key.Length == 0 || n.Key.EndsWith('/')) throw new ArgumentException($"'{name}' names a folder, not a secret", nameof(name));
        var data = VaultValues.ToObject(value);
        var reply = await CallAsync("POST", n.DataPath, n.Mount.Version == 2 ? new JsonObject { ["data"] = data } : data, ct);
        if (!reply.IsSuccess)
            throw new FederationBackendException(BackendFailure.BadResponse,
                $"Vault refused the write to {n.DataPath} ({reply.Status}{(reply.FirstError is { Length: > 0 } e ? ": " + e : "")})");
        if (n.Mount.Version != 2) return KvV1Version;
        return TryData(reply, out var meta) && meta.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetInt32().ToString(CultureInfo.InvariantCulture)
            : throw Unexpected(reply, "POST " + n.DataPath);
    }

    /// <summary>
    /// Sends with the session's token; on 401/403 forgets the token and tries once more with a fresh
    /// one (a revoked or expired token), then reports the denial.
    /// </summary>
    private async Task<VaultReply> CallAsync(string method, string path, JsonNode? body, CancellationToken ct, string? query = null)
    {
        var token = await _session.TokenAsync(ct);
        var reply = await _http.SendAsync(method, path, token, body, ct, query);
        if (reply.Status is not (401 or 403)) return reply;
        _session.Refused(token);
        token = await _session.TokenAsync(ct);
        reply = await _http.SendAsync(method, path, token, body, ct, query);
        if (reply.Status is 401 or 403)
            throw new FederationBackendException(BackendFailure.AccessDenied,
                $"Vault denied {method} {path} ({reply.Status}): the policy of the backend's Vault identity does not allow it");
        return reply;
    }

    /// <summary>Finds the KV mount of a name (cached per mount) and its version through <c>sys/internal/ui/mounts</c>.</summary>
    private async Task<VaultName> ResolveAsync(string name, CancellationToken ct)
    {
        name = name.TrimStart('/');
        if (name.Length == 0) throw new ArgumentException("a Vault name starts with its mount, e.g. kv/data/apps", nameof(name));
        foreach (var mount in _mounts.Values)
            if (name.StartsWith(mount.Path, StringComparison.Ordinal) || name + "/" == mount.Path)
                return VaultName.Of(mount, name);

        var path = "sys/internal/ui/mounts/" + name.TrimEnd('/');
        var reply = await CallAsync("GET", path, null, ct);
        VaultMount found;
        if (reply.Status == 404)
            found = new VaultMount(name.Split('/')[0] + "/", 1);       // older servers: no discovery, assume KV v1
        else if (reply.IsSuccess && TryData(reply, out var data) && data.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String)
        {
            var type = data.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type is not ("kv" or "generic"))
                throw new FederationBackendException(BackendFailure.BadResponse, $"'{p.GetString()}' in Vault is a {type} mount, not a KV mount");
            var version = data.TryGetProperty("options", out var o) && o.ValueKind == JsonValueKind.Object
                && o.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String && v.GetString() == "2" ? 2 : 1;
            found = new VaultMount(p.GetString()!.TrimStart('/'), version);
        }
        else throw Unexpected(reply, "GET " + path);
        _mounts[found.Path] = found;
        return VaultName.Of(found, name);
    }

    private async Task<string?> ChangeMarkerAsync(VaultName root, string key, CancellationToken ct)
    {
        var path = root.MetadataPath(key);
        var reply = await CallAsync("GET", path, null, ct);
        if (reply.Status == 404) return null;                           // deleted since the LIST
        if (!TryData(reply, out var meta) || !meta.TryGetProperty("current_version", out var current)) throw Unexpected(reply, "GET " + path);
        var state = meta.TryGetProperty("versions", out var versions) && versions.ValueKind == JsonValueKind.Object
                    && versions.TryGetProperty(current.ToString(), out var cv)
            ? VaultValues.Flag(cv, "destroyed") ? ":destroyed" : VaultValues.Time(cv, "deletion_time") is { } d && d <= _clock.GetUtcNow() ? ":deleted" : ""
            : "";
        var updated = meta.TryGetProperty("updated_time", out var u) ? u.ToString() : "";
        return $"{current}@{updated}{state}";
    }

    /// <summary>One KV v2 version from a data read (200, or 404 with an envelope for a deleted/destroyed version).</summary>
    private RemoteSecret Version(string name, JsonElement data, VaultReply reply)
    {
        if (!data.TryGetProperty("metadata", out var meta) || meta.ValueKind != JsonValueKind.Object
            || !meta.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number)
            throw Unexpected(reply, "a KV v2 read");
        var version = v.GetInt32().ToString(CultureInfo.InvariantCulture);
        var created = VaultValues.Time(meta, "created_time");
        var tags = VaultValues.Tags(meta);
        if (VaultValues.Flag(meta, "destroyed")) return new RemoteSecret(name, version, null, tags, created, RemoteVersionState.Destroyed);
        var deletion = VaultValues.Time(meta, "deletion_time");
        if (deletion is { } d && d <= _clock.GetUtcNow() || !data.TryGetProperty("data", out var value) || value.ValueKind != JsonValueKind.Object)
            return new RemoteSecret(name, version, null, tags, created, RemoteVersionState.Deleted);
        // A deletion_time in the future (delete_version_after) does not hide the value yet: it is when it expires.
        return new RemoteSecret(name, version, VaultValues.FromObject(value), tags, created, RemoteVersionState.Active, deletion);
    }

    private static bool TryData(VaultReply reply, out JsonElement data)
    {
        data = default;
        return reply.Body.ValueKind == JsonValueKind.Object && reply.Body.TryGetProperty("data", out data) && data.ValueKind == JsonValueKind.Object;
    }

    private static bool TryKeys(VaultReply reply, out List<string> keys)
    {
        keys = [];
        if (!TryData(reply, out var data) || !data.TryGetProperty("keys", out var array) || array.ValueKind != JsonValueKind.Array) return false;
        foreach (var key in array.EnumerateArray())
            if (key.ValueKind == JsonValueKind.String && key.GetString() is { Length: > 0 } k) keys.Add(k);
        return true;
    }

    private static FederationBackendException Unexpected(VaultReply reply, string what) =>
        new(BackendFailure.BadResponse, $"Vault answered {reply.Status} to {what} in a shape the adapter cannot use{(reply.FirstError is { Length: > 0 } e ? ": " + e : "")}");

    public void Dispose()
    {
        _session.Dispose();
        _http.Dispose();
    }
}
