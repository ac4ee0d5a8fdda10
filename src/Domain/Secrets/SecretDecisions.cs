using ScaiVault.Domain.Crypto;

namespace ScaiVault.Domain.Secrets;

/// <summary>A refused command: a stable machine-readable code and a message a person can act on.</summary>
public sealed record SecretError(string Code, string Message);

public static class SecretErrorCodes
{
    public const string NotFound = "secret_not_found";
    public const string CasMismatch = "cas_mismatch";
    public const string UnknownVersion = "unknown_version";
    public const string VersionDestroyed = "version_destroyed";
    public const string VersionDeleted = "version_deleted";
}

/// <summary>
/// What each command on a secret decides, as pure functions of the current state: events out, no I/O.
/// A repeated command that changes nothing yields no event.
/// </summary>
public static class SecretDecisions
{
    /// <summary>
    /// Check-and-set: <c>cas = 0</c> writes only if the secret does not exist, <c>cas = N</c> only if its
    /// current version is N. Returns the version the write will create.
    /// </summary>
    public static (int Version, SecretError? Error) NextVersion(Secret? secret, int? cas)
    {
        var exists = secret is { Exists: true };
        var current = exists ? secret!.LastVersion : 0;
        if (cas is { } expected && expected != current)
        {
            var message = exists
                ? $"Check-and-set failed: the current version is {current}, not {expected}."
                : $"Check-and-set failed: the secret does not exist (use cas 0 to create it), not version {expected}.";
            return (0, new SecretError(SecretErrorCodes.CasMismatch, message));
        }
        // Version numbers are never reused, even after the whole secret was deleted.
        return ((secret?.LastVersion ?? 0) + 1, null);
    }

    public static IEnumerable<object> Write(Secret? secret, string path, int version, SecretType type, SealedValue value,
        SecretMetadata? metadata, int? maxVersions, string by, DateTimeOffset now, ImportedFrom? import = null)
    {
        yield return new SecretVersionWritten(path, version, type, value, by, now, import);

        var exists = secret is { Exists: true };
        var oldMetadata = exists ? secret!.Metadata : SecretMetadata.Empty;
        var oldMax = exists ? secret!.MaxVersions : 0;
        var newMetadata = metadata ?? oldMetadata;
        var newMax = maxVersions ?? oldMax;
        if (!newMetadata.SameAs(oldMetadata) || newMax != oldMax)
            yield return new SecretMetadataUpdated(path, newMetadata, newMax, by, now);

        var live = (exists ? secret!.Live : []).Add(version);
        var prune = Oldest(live, newMax);
        if (prune.Length > 0)
            yield return new SecretVersionsDestroyed(path, prune, DestroyReasons.MaxVersions, by, now);
    }

    public static (IEnumerable<object> Events, SecretError? Error) UpdateMetadata(Secret? secret,
        SecretMetadata metadata, int maxVersions, string by, DateTimeOffset now)
    {
        if (secret is not { Exists: true }) return ([], NotFound(secret));
        var events = new List<object>();
        if (!metadata.SameAs(secret.Metadata) || maxVersions != secret.MaxVersions)
            events.Add(new SecretMetadataUpdated(secret.Id, metadata, maxVersions, by, now));
        var prune = Oldest(secret.Live, maxVersions);
        if (prune.Length > 0)
            events.Add(new SecretVersionsDestroyed(secret.Id, prune, DestroyReasons.MaxVersions, by, now));
        return (events, null);
    }

    public static (IEnumerable<object> Events, SecretError? Error) SoftDelete(Secret? secret, int[] versions, string by, DateTimeOffset now)
    {
        if (secret is not { Exists: true }) return ([], NotFound(secret));
        var (targets, error) = Targets(secret, versions);
        if (error is not null) return ([], error);
        var fresh = targets.Where(v => secret.StateOf(v) == VersionState.Active).ToArray();
        return (fresh.Length == 0 ? [] : [new SecretVersionsSoftDeleted(secret.Id, fresh, by, now)], null);
    }

    public static (IEnumerable<object> Events, SecretError? Error) Restore(Secret? secret, int[] versions, string by, DateTimeOffset now)
    {
        if (secret is not { Exists: true }) return ([], NotFound(secret));
        var (targets, error) = Targets(secret, versions);
        if (error is not null) return ([], error);
        var destroyed = targets.Where(v => secret.StateOf(v) == VersionState.Destroyed).ToArray();
        if (destroyed.Length > 0)
            return ([], new SecretError(SecretErrorCodes.VersionDestroyed,
                $"Version {string.Join(", ", destroyed)} was destroyed and cannot be restored."));
        var deleted = targets.Where(v => secret.StateOf(v) == VersionState.SoftDeleted).ToArray();
        return (deleted.Length == 0 ? [] : [new SecretVersionsRestored(secret.Id, deleted, by, now)], null);
    }

    public static (IEnumerable<object> Events, SecretError? Error) Destroy(Secret? secret, int[] versions, string by, DateTimeOffset now)
    {
        if (secret is not { Exists: true }) return ([], NotFound(secret));
        var (targets, error) = Targets(secret, versions);
        if (error is not null) return ([], error);
        var live = targets.Where(secret.Live.Contains).ToArray();
        return (live.Length == 0 ? [] : [new SecretVersionsDestroyed(secret.Id, live, DestroyReasons.Requested, by, now)], null);
    }

    /// <summary>
    /// Deleting a secret destroys every version it still holds and frees the path. Deleting it again
    /// changes nothing (no event, no error); a path that never held a secret is not found.
    /// </summary>
    public static (IEnumerable<object> Events, SecretError? Error) DeleteSecret(Secret? secret, string by, DateTimeOffset now)
    {
        if (secret is null) return ([], NotFound(secret));
        if (secret.Deleted) return ([], null);
        var events = new List<object>();
        if (secret.Live.Count > 0)
            events.Add(new SecretVersionsDestroyed(secret.Id, [.. secret.Live], DestroyReasons.SecretDeleted, by, now));
        events.Add(new SecretDeleted(secret.Id, by, now));
        return (events, null);
    }

    private static (int[] Targets, SecretError? Error) Targets(Secret secret, int[] versions)
    {
        if (versions.Length == 0) return ([secret.LastVersion], null);
        var unknown = versions.Where(v => v < 1 || v > secret.LastVersion).Distinct().ToArray();
        return unknown.Length > 0
            ? ([], new SecretError(SecretErrorCodes.UnknownVersion,
                $"Version {string.Join(", ", unknown)} does not exist; the current version is {secret.LastVersion}."))
            : (versions.Distinct().Order().ToArray(), null);
    }

    private static int[] Oldest(IEnumerable<int> live, int maxVersions)
    {
        var sorted = live.Order().ToArray();
        return maxVersions > 0 && sorted.Length > maxVersions ? sorted[..(sorted.Length - maxVersions)] : [];
    }

    private static SecretError NotFound(Secret? secret) =>
        new(SecretErrorCodes.NotFound, secret is null ? "No secret exists at this path." : "The secret at this path was deleted.");
}
