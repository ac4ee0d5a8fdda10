namespace ScaiVault.Domain.Identities;

/// <summary>
/// What each ScaiKey delivery decides about an identity, as pure functions of the current state:
/// events out, no I/O. Deliveries can arrive late or out of order (ScaiKey retries failed ones), so
/// each carries the time ScaiKey says it happened and a delivery older than what is already known
/// changes nothing:
/// <list type="bullet">
/// <item>a full profile older than the last profile, or not newer than a deletion, is stale;</item>
/// <item>a membership change older than the last profile, or not newer than the last change of the
/// same group, is stale; a newer one is recorded even when the membership is already so, because
/// its time is what keeps an older opposite change from landing afterwards;</item>
/// <item>a full profile keeps the membership of groups changed after it.</item>
/// </list>
/// A repeat (the same fact at the same time) yields no event. A deleted identity comes back only
/// through a newer full profile; membership changes for it are ignored.
/// </summary>
public static class IdentityDecisions
{
    public static IEnumerable<object> Update(Identity? current, string userId, IEnumerable<string> groups, IEnumerable<string> roles,
        bool disabled, DateTimeOffset occurredAt)
    {
        if (current is not null && (current.ProfileAt >= occurredAt || current.DeletedAt >= occurredAt)) yield break;

        var sent = groups.ToHashSet(StringComparer.Ordinal);
        var merged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in sent)
            if (!ChangedAfter(current, group, occurredAt)) merged.Add(group);
        foreach (var group in current?.Groups ?? [])
            if (ChangedAfter(current, group, occurredAt)) merged.Add(group);

        yield return new IdentityUpdated(Identity.KeyFor(userId), Sorted(merged), Sorted(roles), disabled, Identity.ScaiKey, occurredAt);
    }

    public static IEnumerable<object> AddMember(Identity? current, string userId, string group, DateTimeOffset occurredAt)
    {
        if (IsStaleMembership(current, group, occurredAt)) yield break;
        yield return new GroupMemberAdded(Identity.KeyFor(userId), group, Identity.ScaiKey, occurredAt);
    }

    public static IEnumerable<object> RemoveMember(Identity? current, string userId, string group, DateTimeOffset occurredAt)
    {
        if (IsStaleMembership(current, group, occurredAt)) yield break;
        yield return new GroupMemberRemoved(Identity.KeyFor(userId), group, Identity.ScaiKey, occurredAt);
    }

    /// <summary>
    /// A deletion is recorded even for a user never seen before: a token for it must not be honoured
    /// just because ScaiVault learnt of the user only through its deletion.
    /// </summary>
    public static IEnumerable<object> Delete(Identity? current, string userId, DateTimeOffset occurredAt)
    {
        if (current is { Deleted: true }) yield break;
        if (current?.ProfileAt > occurredAt) yield break;
        yield return new IdentityDeleted(Identity.KeyFor(userId), Identity.ScaiKey, occurredAt);
    }

    private static bool IsStaleMembership(Identity? current, string group, DateTimeOffset occurredAt) =>
        current is not null
        && (current.Deleted
            || current.ProfileAt > occurredAt
            || (current.GroupChangedAt.TryGetValue(group, out var changedAt) && changedAt >= occurredAt));

    private static bool ChangedAfter(Identity? current, string group, DateTimeOffset occurredAt) =>
        current is not null && current.GroupChangedAt.TryGetValue(group, out var changedAt) && changedAt > occurredAt;

    private static string[] Sorted(IEnumerable<string> values) => [.. values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
