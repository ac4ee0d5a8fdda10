namespace ScaiVault.Federation.Vault;

/// <summary>A KV mount as Vault describes it: its path with a trailing slash (<c>kv/</c>) and KV version.</summary>
internal sealed record VaultMount(string Path, int Version);

/// <summary>
/// A backend name split against its mount. <see cref="Key"/> is the secret's path inside the mount.
/// For KV v2 the canonical name is <c>{mount}data/{key}</c>; a name written without <c>data/</c>
/// (<c>kv/apps/db</c> on a v2 mount) is accepted and answered in the same bare form, so a path mapping
/// <c>kv/**</c> round-trips: listing yields names the mapping can map back.
/// </summary>
internal sealed record VaultName(VaultMount Mount, string Key, bool Bare)
{
    public static VaultName Of(VaultMount mount, string name)
    {
        var rest = name.Length > mount.Path.Length ? name[mount.Path.Length..] : "";
        if (mount.Version != 2) return new VaultName(mount, rest, Bare: true);
        if (rest.StartsWith("data/", StringComparison.Ordinal)) return new VaultName(mount, rest["data/".Length..], Bare: false);
        if (rest.StartsWith("metadata/", StringComparison.Ordinal)) return new VaultName(mount, rest["metadata/".Length..], Bare: false);
        if (rest is "data" or "metadata") return new VaultName(mount, "", Bare: false);
        return new VaultName(mount, rest, Bare: true);
    }

    /// <summary>The name of another key of the same mount, in this name's form.</summary>
    public string NameOf(string key) => Mount.Version == 2 && !Bare ? $"{Mount.Path}data/{key}" : Mount.Path + key;

    public string DataPath => Mount.Version == 2 ? $"{Mount.Path}data/{Key}" : Mount.Path + Key;

    public string MetadataPath(string key) => $"{Mount.Path}metadata/{key}";

    /// <summary>The path to LIST for a folder (<c>""</c> or ending in <c>/</c>) of this mount.</summary>
    public string ListPath(string folder) => Mount.Version == 2 ? $"{Mount.Path}metadata/{folder}" : Mount.Path + folder;
}
