using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace ScaiVault.Domain.Identities;

/// <summary>
/// What ScaiVault knows of one ScaiKey user, and, projected inline, the document the identity cache
/// loads. <see cref="ProfileAt"/> is the time of the last full profile (<see cref="IdentityUpdated"/>);
/// without one only group memberships are known. <see cref="GroupChangedAt"/> keeps, per group, the
/// time of the last membership change, so a delivery that arrives late cannot undo a newer one.
/// Hash sets and dictionaries compare ordinally (a sorted set's default comparer is culture-aware and
/// could fold two distinct group names into one).
/// </summary>
public sealed record Identity(
    string Id,
    ImmutableHashSet<string> Groups,
    ImmutableHashSet<string> Roles,
    bool Disabled,
    bool Deleted,
    DateTimeOffset? ProfileAt,
    DateTimeOffset? DeletedAt,
    ImmutableDictionary<string, DateTimeOffset> GroupChangedAt,
    DateTimeOffset UpdatedAt)
{
    public const string StreamPrefix = "identity:";

    /// <summary>ScaiKey's actor name on every identity event.</summary>
    public const string ScaiKey = "scaikey";

    public static string KeyFor(string userId) => StreamPrefix + userId;

    [JsonIgnore]
    public string UserId => Id.StartsWith(StreamPrefix, StringComparison.Ordinal) ? Id[StreamPrefix.Length..] : Id;

    public static Identity Create(IdentityUpdated e) => Empty(e.IdentityId).Apply(e);

    public static Identity Create(GroupMemberAdded e) => Empty(e.IdentityId).Apply(e);

    public static Identity Create(GroupMemberRemoved e) => Empty(e.IdentityId).Apply(e);

    public static Identity Create(IdentityDeleted e) => Empty(e.IdentityId).Apply(e);

    public Identity Apply(IdentityUpdated e) => this with
    {
        Groups = [.. e.Groups],
        Roles = [.. e.Roles],
        Disabled = e.Disabled,
        Deleted = false,
        ProfileAt = e.UpdatedAt,
        UpdatedAt = Max(UpdatedAt, e.UpdatedAt),
    };

    public Identity Apply(GroupMemberAdded e) => this with
    {
        Groups = Groups.Add(e.Group),
        GroupChangedAt = GroupChangedAt.SetItem(e.Group, e.AddedAt),
        UpdatedAt = Max(UpdatedAt, e.AddedAt),
    };

    public Identity Apply(GroupMemberRemoved e) => this with
    {
        Groups = Groups.Remove(e.Group),
        GroupChangedAt = GroupChangedAt.SetItem(e.Group, e.RemovedAt),
        UpdatedAt = Max(UpdatedAt, e.RemovedAt),
    };

    public Identity Apply(IdentityDeleted e) => this with
    {
        Groups = [],
        Roles = [],
        Deleted = true,
        DeletedAt = e.DeletedAt,
        GroupChangedAt = ImmutableDictionary<string, DateTimeOffset>.Empty,
        UpdatedAt = Max(UpdatedAt, e.DeletedAt),
    };

    private static Identity Empty(string id) =>
        new(id, [], [], false, false, null, null, ImmutableDictionary<string, DateTimeOffset>.Empty, DateTimeOffset.MinValue);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}
