using ScaiVault.Domain.Identities;

namespace ScaiVault.Domain.Tests.Identities;

public sealed class IdentityDecisionsTests
{
    private const string Alice = "alice";
    private const string Key = "identity:alice";
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(int minutes) => T0.AddMinutes(minutes);

    private static Identity Evolve(Identity? state, object e) => (state, e) switch
    {
        (null, IdentityUpdated u) => Identity.Create(u),
        (null, GroupMemberAdded a) => Identity.Create(a),
        (null, GroupMemberRemoved r) => Identity.Create(r),
        (null, IdentityDeleted d) => Identity.Create(d),
        (not null, IdentityUpdated u) => state.Apply(u),
        (not null, GroupMemberAdded a) => state.Apply(a),
        (not null, GroupMemberRemoved r) => state.Apply(r),
        (not null, IdentityDeleted d) => state.Apply(d),
        _ => throw new InvalidOperationException($"Unknown event {e.GetType().Name}."),
    };

    private static Identity? Fold(Identity? state, IEnumerable<object> events) => events.Aggregate(state, (s, e) => Evolve(s, e));

    private static Identity Profile(string[] groups, string[]? roles = null, bool disabled = false, int minute = 0) =>
        Fold(null, IdentityDecisions.Update(null, Alice, groups, roles ?? [], disabled, At(minute))).ShouldNotBeNull();

    [Fact]
    public void Update_NewUser_RecordsTheWholeProfile()
    {
        var events = IdentityDecisions.Update(null, Alice, ["ops", "billing", "billing"], ["reader"], false, At(0)).ToArray();

        var updated = events.ShouldHaveSingleItem().ShouldBeOfType<IdentityUpdated>();
        updated.IdentityId.ShouldBe(Key);
        updated.Groups.ShouldBe(["billing", "ops"]);
        updated.Roles.ShouldBe(["reader"]);
        updated.Disabled.ShouldBeFalse();
        updated.UpdatedBy.ShouldBe("scaikey");
        updated.UpdatedAt.ShouldBe(At(0));
    }

    [Fact]
    public void Update_SameDeliveryAgain_YieldsNoEvent()
    {
        var alice = Profile(["billing"], ["reader"]);
        IdentityDecisions.Update(alice, Alice, ["billing"], ["reader"], false, At(0)).ShouldBeEmpty();
    }

    [Fact]
    public void Update_OlderThanTheLastProfile_YieldsNoEvent()
    {
        var alice = Profile(["billing"], minute: 10);
        IdentityDecisions.Update(alice, Alice, ["ops"], [], true, At(5)).ShouldBeEmpty();
    }

    [Fact]
    public void Update_Newer_ReplacesGroupsRolesAndDisabled()
    {
        var alice = Profile(["billing", "ops"], ["reader"]);
        var after = Fold(alice, IdentityDecisions.Update(alice, Alice, ["ops"], ["admin"], true, At(1)))!;

        after.Groups.ShouldBe(["ops"], ignoreOrder: true);
        after.Roles.ShouldBe(["admin"], ignoreOrder: true);
        after.Disabled.ShouldBeTrue();
        after.ProfileAt.ShouldBe(At(1));
    }

    [Fact]
    public void Update_OlderThanAMembershipChange_KeepsThatChange()
    {
        var alice = Profile(["billing"]);
        alice = Fold(alice, IdentityDecisions.RemoveMember(alice, Alice, "billing", At(10)))!;
        alice = Fold(alice, IdentityDecisions.AddMember(alice, Alice, "ops", At(10)))!;

        // a profile taken at minute 5 arrives late: it still lists billing and lacks ops
        var after = Fold(alice, IdentityDecisions.Update(alice, Alice, ["billing", "audit"], [], false, At(5)))!;

        after.Groups.ShouldBe(["audit", "ops"], ignoreOrder: true);
    }

    [Fact]
    public void AddMember_NewMember_IsRecorded()
    {
        var alice = Profile(["billing"]);
        var added = IdentityDecisions.AddMember(alice, Alice, "ops", At(1)).ShouldHaveSingleItem().ShouldBeOfType<GroupMemberAdded>();

        added.ShouldBe(new GroupMemberAdded(Key, "ops", "scaikey", At(1)));
        Fold(alice, [added])!.Groups.ShouldBe(["billing", "ops"], ignoreOrder: true);
    }

    [Fact]
    public void AddMember_Repeated_YieldsNoEvent()
    {
        var alice = Fold(null, IdentityDecisions.AddMember(null, Alice, "ops", At(1)));
        IdentityDecisions.AddMember(alice, Alice, "ops", At(1)).ShouldBeEmpty();
    }

    [Fact]
    public void AddMember_UnknownUser_StartsAnIdentityWithoutProfile()
    {
        var alice = Fold(null, IdentityDecisions.AddMember(null, Alice, "ops", At(1)))!;

        alice.Id.ShouldBe(Key);
        alice.UserId.ShouldBe(Alice);
        alice.Groups.ShouldBe(["ops"]);
        alice.ProfileAt.ShouldBeNull();
    }

    [Fact]
    public void RemoveMember_Member_IsRecorded()
    {
        var alice = Profile(["billing", "ops"]);
        var after = Fold(alice, IdentityDecisions.RemoveMember(alice, Alice, "billing", At(1)))!;
        after.Groups.ShouldBe(["ops"]);
    }

    [Fact]
    public void AddedThenRemoved_DeliveredInReverse_StaysRemoved()
    {
        var alice = Profile([]);
        alice = Fold(alice, IdentityDecisions.RemoveMember(alice, Alice, "billing", At(2)))!;

        IdentityDecisions.AddMember(alice, Alice, "billing", At(1)).ShouldBeEmpty();
        alice.Groups.ShouldNotContain("billing");
    }

    [Fact]
    public void MembershipChange_OlderThanTheProfile_YieldsNoEvent()
    {
        var alice = Profile(["billing"], minute: 10);
        IdentityDecisions.RemoveMember(alice, Alice, "billing", At(5)).ShouldBeEmpty();
        IdentityDecisions.AddMember(alice, Alice, "ops", At(5)).ShouldBeEmpty();
    }

    [Fact]
    public void Delete_ClearsGroupsAndRoles_AndRepeatYieldsNoEvent()
    {
        var alice = Profile(["billing"], ["admin"]);
        var deleted = IdentityDecisions.Delete(alice, Alice, At(1)).ShouldHaveSingleItem();
        deleted.ShouldBe(new IdentityDeleted(Key, "scaikey", At(1)));

        var after = Fold(alice, [deleted])!;
        after.Deleted.ShouldBeTrue();
        after.Groups.ShouldBeEmpty();
        after.Roles.ShouldBeEmpty();
        IdentityDecisions.Delete(after, Alice, At(2)).ShouldBeEmpty();
    }

    [Fact]
    public void Delete_UnknownUser_IsRecordedSoItsTokensCanBeRefused()
    {
        var alice = Fold(null, IdentityDecisions.Delete(null, Alice, At(1)))!;
        alice.Deleted.ShouldBeTrue();
    }

    [Fact]
    public void Deleted_MembershipChanges_AreIgnored_UntilANewerProfile()
    {
        var alice = Fold(null, IdentityDecisions.Delete(null, Alice, At(1)))!;
        IdentityDecisions.AddMember(alice, Alice, "billing", At(2)).ShouldBeEmpty();
        IdentityDecisions.Update(alice, Alice, ["billing"], [], false, At(1)).ShouldBeEmpty();

        var back = Fold(alice, IdentityDecisions.Update(alice, Alice, ["billing"], [], false, At(3)))!;
        back.Deleted.ShouldBeFalse();
        back.Groups.ShouldBe(["billing"]);
    }

    [Fact]
    public void Delete_OlderThanTheProfile_YieldsNoEvent()
    {
        var alice = Profile(["billing"], minute: 10);
        IdentityDecisions.Delete(alice, Alice, At(5)).ShouldBeEmpty();
    }
}
