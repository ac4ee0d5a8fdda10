using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScaiVault.Fakes.Vault;

/// <summary>
/// Everything one Vault namespace holds: KV mounts, tokens, policies, AppRole and Kubernetes roles.
/// Tests seed and inspect it directly; the HTTP side only ever sees its own namespace's state, so a
/// token minted in one namespace is unknown in another.
/// </summary>
public sealed class FakeVaultNamespace
{
    private readonly FakeVault _vault;
    internal readonly ConcurrentDictionary<string, object> Mounts = new(StringComparer.Ordinal);
    internal readonly ConcurrentDictionary<string, FakeToken> Tokens = new(StringComparer.Ordinal);
    internal readonly ConcurrentDictionary<string, List<(string Glob, string[] Capabilities)>> Policies = new(StringComparer.Ordinal);
    internal readonly ConcurrentDictionary<string, FakeAppRole> AppRoles = new(StringComparer.Ordinal);
    internal readonly ConcurrentDictionary<string, FakeKubernetesRole> KubernetesRoles = new(StringComparer.Ordinal);

    internal FakeVaultNamespace(string name, FakeVault vault)
    {
        Name = name;
        _vault = vault;
        RootToken = MintToken(["root"], ttl: null, maxTtl: null, renewable: false, path: "auth/token/root").Id;
    }

    /// <summary>The namespace path without slashes at the ends; empty for the root namespace.</summary>
    public string Name { get; }

    /// <summary>A token with the <c>root</c> policy that never expires.</summary>
    public string RootToken { get; }

    /// <summary>The KV version 2 mount at this path, created on first use.</summary>
    public FakeKvV2Mount KvV2(string mount) =>
        (FakeKvV2Mount)Mounts.GetOrAdd(mount.Trim('/'), m => new FakeKvV2Mount(m, _vault.Clock));

    /// <summary>The KV version 1 mount at this path, created on first use.</summary>
    public FakeKvV1Mount KvV1(string mount) =>
        (FakeKvV1Mount)Mounts.GetOrAdd(mount.Trim('/'), m => new FakeKvV1Mount(m));

    /// <summary>Adds a rule to a policy: a path (a trailing <c>*</c> matches any suffix) and capabilities (<c>read</c>, <c>list</c>, <c>create</c>, <c>update</c>, <c>delete</c>, <c>deny</c>).</summary>
    public void Policy(string name, string pathGlob, params string[] capabilities) =>
        Policies.GetOrAdd(name, _ => []).Add((pathGlob, capabilities));

    /// <summary>A token with these policies; no TTL means it never expires.</summary>
    public string CreateToken(string[] policies, TimeSpan? ttl = null, TimeSpan? maxTtl = null, bool renewable = false) =>
        MintToken(policies, ttl, maxTtl, renewable, "auth/token/create").Id;

    /// <summary>Enables AppRole at <paramref name="mount"/> (if needed) and adds a role; returns its credentials.</summary>
    public (string RoleId, string SecretId) AppRole(
        string name, string[] policies, TimeSpan tokenTtl, TimeSpan tokenMaxTtl, string mount = "approle", bool renewable = true)
    {
        var role = new FakeAppRole(mount.Trim('/'), name, Guid.NewGuid().ToString(), Guid.NewGuid().ToString(),
            policies, tokenTtl, tokenMaxTtl, renewable);
        AppRoles[role.RoleId] = role;
        return (role.RoleId, role.SecretId);
    }

    /// <summary>Enables Kubernetes auth at <paramref name="mount"/> (if needed) and adds a role that accepts exactly this service-account JWT.</summary>
    public void KubernetesRole(string name, string acceptedJwt, string[] policies, TimeSpan tokenTtl, TimeSpan tokenMaxTtl, string mount = "kubernetes") =>
        KubernetesRoles[$"{mount.Trim('/')}:{name}"] = new FakeKubernetesRole(mount.Trim('/'), name, acceptedJwt, policies, tokenTtl, tokenMaxTtl);

    /// <summary>What the server knows about a token (null when unknown or revoked), to assert renewals and logins.</summary>
    public FakeToken? Token(string token) => Tokens.GetValueOrDefault(token);

    /// <summary>Every live token, e.g. to count logins.</summary>
    public IReadOnlyCollection<FakeToken> AllTokens => Tokens.Values.ToArray();

    public void RevokeToken(string token) => Tokens.TryRemove(token, out _);

    internal FakeToken MintToken(string[] policies, TimeSpan? ttl, TimeSpan? maxTtl, bool renewable, string path)
    {
        var now = _vault.Clock.GetUtcNow();
        var token = new FakeToken(
            "hvs." + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', 'A').Replace('/', 'B'),
            Guid.NewGuid().ToString(), policies, path, now, ttl, renewable)
        {
            ExpiresAt = ttl is { } t ? now + t : null,
            MaxExpiresAt = maxTtl is { } m ? now + m : ttl is { } t2 ? now + t2 : null,
        };
        Tokens[token.Id] = token;
        return token;
    }

    internal object? FindMount(string path, out string mountPath, out string rest)
    {
        mountPath = "";
        rest = "";
        object? best = null;
        foreach (var (name, mount) in Mounts)
        {
            if ((path == name || path.StartsWith(name + "/", StringComparison.Ordinal)) && name.Length > mountPath.Length)
            {
                best = mount;
                mountPath = name;
            }
        }
        if (best is not null) rest = path.Length > mountPath.Length ? path[(mountPath.Length + 1)..] : "";
        return best;
    }

    internal bool Allows(FakeToken token, string path, string capability)
    {
        if (token.Policies.Contains("root")) return true;
        var granted = new HashSet<string>();
        foreach (var policy in token.Policies)
        {
            if (!Policies.TryGetValue(policy, out var rules)) continue;
            foreach (var (glob, caps) in rules)
            {
                var matches = glob.EndsWith('*') ? path.StartsWith(glob[..^1], StringComparison.Ordinal) : path == glob;
                if (matches) granted.UnionWith(caps);
            }
        }
        if (granted.Contains("deny")) return false;
        return capability == "write" ? granted.Contains("create") || granted.Contains("update") : granted.Contains(capability);
    }
}

/// <summary>A token as the fake knows it; tests read its expiry and renewal count.</summary>
public sealed record FakeToken(string Id, string Accessor, string[] Policies, string Path, DateTimeOffset IssuedAt, TimeSpan? Ttl, bool Renewable)
{
    public DateTimeOffset? ExpiresAt { get; internal set; }
    public DateTimeOffset? MaxExpiresAt { get; internal set; }
    public int Renewals { get; internal set; }
    public bool IsValidAt(DateTimeOffset now) => ExpiresAt is null || now < ExpiresAt;
}

internal sealed record FakeAppRole(string Mount, string Name, string RoleId, string SecretId, string[] Policies, TimeSpan Ttl, TimeSpan MaxTtl, bool Renewable);

internal sealed record FakeKubernetesRole(string Mount, string Name, string Jwt, string[] Policies, TimeSpan Ttl, TimeSpan MaxTtl);

/// <summary>A KV version 1 mount: one flat JSON object per key, no versions.</summary>
public sealed class FakeKvV1Mount(string path)
{
    private readonly SortedDictionary<string, string> _data = new(StringComparer.Ordinal);

    public string Path { get; } = path;

    /// <summary>Stores an object (serialised with System.Text.Json; anonymous objects are fine).</summary>
    public void Put(string key, object data) => PutJson(key, JsonSerializer.Serialize(data));

    public void PutJson(string key, string jsonObject)
    {
        if (!jsonObject.AsSpan().TrimStart().StartsWith("{")) throw new ArgumentException("KV v1 stores JSON objects", nameof(jsonObject));
        lock (_data) _data[key] = jsonObject;
    }

    /// <summary>The stored JSON text, or null.</summary>
    public string? Get(string key) { lock (_data) return _data.GetValueOrDefault(key); }

    public bool Delete(string key) { lock (_data) return _data.Remove(key); }

    public int Count { get { lock (_data) return _data.Count; } }

    internal List<string> List(string folder) { lock (_data) return FolderListing.Keys(_data.Keys, folder); }
}

internal static class FolderListing
{
    /// <summary>Vault LIST semantics: the direct children of a folder, sub-folders with a trailing slash, sorted, each once.</summary>
    public static List<string> Keys(IEnumerable<string> allKeys, string folder)
    {
        var prefix = folder.Length == 0 || folder.EndsWith('/') ? folder : folder + "/";
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in allKeys)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal) || key.Length == prefix.Length) continue;
            var rest = key[prefix.Length..];
            var slash = rest.IndexOf('/');
            result.Add(slash < 0 ? rest : rest[..(slash + 1)]);
        }
        return [.. result];
    }
}
