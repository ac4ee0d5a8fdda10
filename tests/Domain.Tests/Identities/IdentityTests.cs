using ScaiVault.Domain.Identities;

namespace ScaiVault.Domain.Tests.Identities;

public sealed class IdentityTests
{
    private const string Key = "identity:alice";
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Create_FromProfile_HoldsIt()
    {
        var alice = Identity.Create(new IdentityUpdated(Key, ["billing"], ["reader"], true, "scaikey", T0));

        alice.Id.ShouldBe(Key);
        alice.UserId.ShouldBe("alice");
        alice.Groups.ShouldBe(["billing"]);
        alice.Roles.ShouldBe(["reader"]);
        alice.Disabled.ShouldBeTrue();
        alice.Deleted.ShouldBeFalse();
        alice.ProfileAt.ShouldBe(T0);
        alice.UpdatedAt.ShouldBe(T0);
    }

    [Fact]
    public void Apply_MembershipChanges_TrackGroupsAndTheirTimes()
    {
        var alice = Identity.Create(new GroupMemberAdded(Key, "billing", "scaikey", T0))
            .Apply(new GroupMemberAdded(Key, "ops", "scaikey", T0.AddMinutes(1)))
            .Apply(new GroupMemberRemoved(Key, "billing", "scaikey", T0.AddMinutes(2)));

        alice.Groups.ShouldBe(["ops"]);
        alice.GroupChangedAt["billing"].ShouldBe(T0.AddMinutes(2));
        alice.GroupChangedAt["ops"].ShouldBe(T0.AddMinutes(1));
        alice.ProfileAt.ShouldBeNull();
        alice.UpdatedAt.ShouldBe(T0.AddMinutes(2));
    }

    [Fact]
    public void Apply_Deleted_ForgetsGroupsAndRoles()
    {
        var alice = Identity.Create(new IdentityUpdated(Key, ["billing"], ["admin"], false, "scaikey", T0))
            .Apply(new GroupMemberAdded(Key, "ops", "scaikey", T0.AddMinutes(1)))
            .Apply(new IdentityDeleted(Key, "scaikey", T0.AddMinutes(2)));

        alice.Deleted.ShouldBeTrue();
        alice.DeletedAt.ShouldBe(T0.AddMinutes(2));
        alice.Groups.ShouldBeEmpty();
        alice.Roles.ShouldBeEmpty();
        alice.GroupChangedAt.ShouldBeEmpty();
    }

    [Fact]
    public void Groups_CompareOrdinally()
    {
        // A culture-aware comparer ignores the soft hyphen and would fold these two groups into one.
        var alice = Identity.Create(new IdentityUpdated(Key, ["billing", "bil\u00ADling"], [], false, "scaikey", T0));
        alice.Groups.Count.ShouldBe(2);
    }
}
