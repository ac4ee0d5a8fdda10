using Marten.Events.Aggregation;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Projections.Secrets;

/// <summary>Every version of a secret with who wrote it and when, and what became of it. Never a value.</summary>
public sealed record SecretVersionHistory(string Id, IReadOnlyList<SecretVersionEntry> Versions);

public sealed record SecretVersionEntry(
    int Version,
    SecretType SecretType,
    VersionState State,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeletedAt,
    DateTimeOffset? DestroyedAt,
    ImportedFrom? Import = null);

public partial class SecretVersionHistoryProjection : SingleStreamProjection<SecretVersionHistory, string>
{
    public static SecretVersionHistory Create(SecretVersionWritten e) => new(e.Path, [Entry(e)]);

    public SecretVersionHistory Apply(SecretVersionWritten e, SecretVersionHistory h) =>
        h with { Versions = [.. h.Versions, Entry(e)] };

    public SecretVersionHistory Apply(SecretVersionsSoftDeleted e, SecretVersionHistory h) =>
        Update(h, e.Versions, v => v.State == VersionState.Active ? v with { State = VersionState.SoftDeleted, DeletedAt = e.DeletedAt } : v);

    public SecretVersionHistory Apply(SecretVersionsRestored e, SecretVersionHistory h) =>
        Update(h, e.Versions, v => v.State == VersionState.SoftDeleted ? v with { State = VersionState.Active, DeletedAt = null } : v);

    public SecretVersionHistory Apply(SecretVersionsDestroyed e, SecretVersionHistory h) =>
        Update(h, e.Versions, v => v with { State = VersionState.Destroyed, DestroyedAt = e.DestroyedAt });

    private static SecretVersionEntry Entry(SecretVersionWritten e) =>
        new(e.Version, e.SecretType, VersionState.Active, e.WrittenBy, e.WrittenAt, null, null, e.Import);

    private static SecretVersionHistory Update(SecretVersionHistory h, int[] versions, Func<SecretVersionEntry, SecretVersionEntry> change) =>
        h with { Versions = [.. h.Versions.Select(v => versions.Contains(v.Version) ? change(v) : v)] };
}
