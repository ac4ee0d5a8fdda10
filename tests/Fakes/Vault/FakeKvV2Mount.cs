using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScaiVault.Fakes.Vault;

/// <summary>
/// A KV version 2 mount: each key has numbered versions, metadata and custom metadata. Seeding from C#
/// is a dictionary write (no HTTP), so benchmarks can fill tens of thousands of versions quickly.
/// </summary>
public sealed class FakeKvV2Mount(string path, TimeProvider clock)
{
    private readonly SortedDictionary<string, FakeKvV2Secret> _secrets = new(StringComparer.Ordinal);

    public string Path { get; } = path;

    /// <summary>Versions kept per key when the key sets none (Vault's default is 10).</summary>
    public int MaxVersions { get; set; } = 10;

    /// <summary>Mount-wide <c>cas_required</c>.</summary>
    public bool CasRequired { get; set; }

    /// <summary>Writes a new version of an object (serialised with System.Text.Json; anonymous objects are fine); returns its number.</summary>
    public int Put(string key, object data, IReadOnlyDictionary<string, string>? customMetadata = null) =>
        PutJson(key, JsonSerializer.Serialize(data), customMetadata);

    public int PutJson(string key, string jsonObject, IReadOnlyDictionary<string, string>? customMetadata = null)
    {
        if (!jsonObject.AsSpan().TrimStart().StartsWith("{")) throw new ArgumentException("KV v2 stores JSON objects", nameof(jsonObject));
        lock (_secrets)
        {
            var secret = Write(key, jsonObject);
            if (customMetadata is not null) secret.CustomMetadata = new Dictionary<string, string>(customMetadata);
            return secret.CurrentVersion;
        }
    }

    /// <summary>Soft-deletes versions (the latest when none are given), as <c>DELETE data/</c> or <c>POST delete/</c> does.</summary>
    public void Delete(string key, params int[] versions)
    {
        lock (_secrets)
        {
            var secret = _secrets[key];
            foreach (var v in versions.Length == 0 ? [secret.CurrentVersion] : versions)
                if (secret.Versions.TryGetValue(v, out var version) && !version.Destroyed) version.DeletionTime = clock.GetUtcNow();
        }
    }

    public void Undelete(string key, params int[] versions)
    {
        lock (_secrets)
            foreach (var v in versions)
                if (_secrets[key].Versions.TryGetValue(v, out var version) && !version.Destroyed) version.DeletionTime = null;
    }

    public void Destroy(string key, params int[] versions)
    {
        lock (_secrets)
            foreach (var v in versions)
                if (_secrets[key].Versions.TryGetValue(v, out var version)) { version.Destroyed = true; version.Data = null; }
    }

    /// <summary>Removes the key with all its versions and metadata (<c>DELETE metadata/</c>).</summary>
    public bool DeleteAll(string key) { lock (_secrets) return _secrets.Remove(key); }

    public void SetCustomMetadata(string key, IReadOnlyDictionary<string, string>? customMetadata)
    {
        lock (_secrets) _secrets[key].CustomMetadata = customMetadata is null ? null : new Dictionary<string, string>(customMetadata);
    }

    /// <summary>The current data of a key as JSON text (null when the key, or its current version, is gone).</summary>
    public string? Get(string key, int version = 0)
    {
        lock (_secrets)
        {
            if (!_secrets.TryGetValue(key, out var s)) return null;
            return s.Versions.TryGetValue(version == 0 ? s.CurrentVersion : version, out var v) && v.DeletionTime is null ? v.Data : null;
        }
    }

    /// <summary>The current version number of a key, 0 when absent.</summary>
    public int CurrentVersion(string key) { lock (_secrets) return _secrets.TryGetValue(key, out var s) ? s.CurrentVersion : 0; }

    public int Count { get { lock (_secrets) return _secrets.Count; } }

    internal T WithSecret<T>(string key, Func<FakeKvV2Secret?, T> use) { lock (_secrets) return use(_secrets.GetValueOrDefault(key)); }

    internal List<string> List(string folder) { lock (_secrets) return FolderListing.Keys(_secrets.Keys, folder); }

    /// <summary>Writes under the lock the caller holds; the check-and-set decision happens in the caller.</summary>
    internal FakeKvV2Secret Write(string key, string jsonObject)
    {
        var now = clock.GetUtcNow();
        if (!_secrets.TryGetValue(key, out var secret))
        {
            secret = new FakeKvV2Secret { CreatedTime = now };
            _secrets[key] = secret;
        }
        secret.CurrentVersion++;
        secret.UpdatedTime = now;
        secret.Versions[secret.CurrentVersion] = new FakeKvV2Version { CreatedTime = now, Data = jsonObject };
        var keep = secret.MaxVersions > 0 ? secret.MaxVersions : MaxVersions;
        while (secret.Versions.Count > keep) secret.Versions.Remove(secret.Versions.Keys.First());
        return secret;
    }

    internal object Lock => _secrets;
    internal TimeProvider Clock => clock;
}

internal sealed class FakeKvV2Secret
{
    public SortedDictionary<int, FakeKvV2Version> Versions { get; } = [];
    public int CurrentVersion { get; set; }
    public DateTimeOffset CreatedTime { get; set; }
    public DateTimeOffset UpdatedTime { get; set; }
    public Dictionary<string, string>? CustomMetadata { get; set; }
    public int MaxVersions { get; set; }
    public bool CasRequired { get; set; }
}

internal sealed class FakeKvV2Version
{
    public DateTimeOffset CreatedTime { get; set; }
    public DateTimeOffset? DeletionTime { get; set; }
    public bool Destroyed { get; set; }
    public string? Data { get; set; }
}
