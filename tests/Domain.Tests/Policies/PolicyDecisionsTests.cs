using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Domain.Tests.Policies;

public sealed class PolicyDecisionsTests
{
    private const string Name = "billing-readers";
    private const string Key = "policy:billing-readers";
    private const string Alice = "alice";
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(int minutes) => T0.AddMinutes(minutes);

    private static readonly PolicyRule[] ReadBilling = [new("apps/billing/**", [PolicyAction.Read, PolicyAction.List], PolicyEffect.Allow)];
    private static readonly PolicyRule[] DenyProd = [new("**/prod/**", [PolicyAction.Read], PolicyEffect.Deny)];

    private static Policy Evolve(Policy? state, object e) => (state, e) switch
    {
        (null, PolicyDefined d) => Policy.Create(d),
        (null, _) => throw new InvalidOperationException($"A policy stream cannot start with {e.GetType().Name}."),
        (_, PolicyDefined d) => state.Apply(d),
        (_, PolicyChanged c) => state.Apply(c),
        (_, PolicyBound b) => state.Apply(b),
        (_, PolicyUnbound u) => state.Apply(u),
        (_, PolicyRemoved r) => state.Apply(r),
        _ => throw new InvalidOperationException($"Unknown event {e.GetType().Name}."),
    };

    private static Policy ApplyAll(Policy? state, IEnumerable<object> events) =>
        events.Aggregate(state, (s, e) => Evolve(s, e)).ShouldNotBeNull();

    private static List<object> Ok((IEnumerable<object> Events, PolicyError? Error) result)
    {
        result.Error.ShouldBeNull();
        return result.Events.ToList();
    }

    private static PolicyError Refused((IEnumerable<object> Events, PolicyError? Error) result, string code)
    {
        result.Events.ShouldBeEmpty();
        result.Error.ShouldNotBeNull().Code.ShouldBe(code);
        return result.Error;
    }

    private static Policy Defined(int priority = 100) =>
        ApplyAll(null, Ok(PolicyDecisions.Define(null, Name, "Read billing", priority, ReadBilling, Alice, At(0))));

    private static Policy Bound(params string[] subjects) =>
        subjects.Aggregate(Defined(), (p, s) => ApplyAll(p, Ok(PolicyDecisions.Bind(p, s, Alice, At(1)))));

    [Fact]
    public void Define_NewName_DefinesThePolicyOnItsStreamKey()
    {
        var events = Ok(PolicyDecisions.Define(null, Name, "Read billing", 50, ReadBilling, Alice, At(0)));

        var defined = events.ShouldHaveSingleItem().ShouldBeOfType<PolicyDefined>();
        defined.ShouldBe(defined with { PolicyId = Key, Name = Name, Description = "Read billing", Priority = 50, DefinedBy = Alice, DefinedAt = At(0) });
        defined.Rules.ShouldBe(ReadBilling);

        var policy = ApplyAll(null, events);
        policy.Id.ShouldBe(Key);
        policy.Name.ShouldBe(Name);
        policy.Exists.ShouldBeTrue();
        policy.Bindings.ShouldBeEmpty();
        (policy.CreatedBy, policy.CreatedAt, policy.UpdatedBy, policy.UpdatedAt).ShouldBe((Alice, At(0), Alice, At(0)));
    }

    [Fact]
    public void Define_NameTaken_IsAConflict()
    {
        var error = Refused(PolicyDecisions.Define(Defined(), Name, null, 100, DenyProd, "bob", At(5)), PolicyErrorCodes.Exists);
        error.Message.ShouldContain(Name);
    }

    [Fact]
    public void Define_AfterRemoval_StartsAgainWithoutTheOldBindings()
    {
        var removed = ApplyAll(Bound("group:billing"), Ok(PolicyDecisions.Remove(Bound("group:billing"), Alice, At(2))));

        var again = ApplyAll(removed, Ok(PolicyDecisions.Define(removed, Name, null, 7, DenyProd, "bob", At(3))));

        again.Exists.ShouldBeTrue();
        again.Bindings.ShouldBeEmpty();
        again.Rules.ShouldBe(DenyProd);
        (again.Priority, again.Description, again.CreatedBy, again.CreatedAt).ShouldBe((7, (string?)null, "bob", At(3)));
    }

    [Fact]
    public void Change_NewContent_ReplacesDescriptionPriorityAndRules()
    {
        var events = Ok(PolicyDecisions.Change(Bound("group:billing"), "Deny prod", 5, DenyProd, "bob", At(4)));

        var changed = events.ShouldHaveSingleItem().ShouldBeOfType<PolicyChanged>();
        (changed.PolicyId, changed.Description, changed.Priority, changed.ChangedBy, changed.ChangedAt).ShouldBe((Key, "Deny prod", 5, "bob", At(4)));
        var policy = ApplyAll(Bound("group:billing"), events);
        policy.Rules.ShouldBe(DenyProd);
        policy.Bindings.ShouldBe(["group:billing"]);
        (policy.CreatedBy, policy.UpdatedBy, policy.UpdatedAt).ShouldBe((Alice, "bob", At(4)));
    }

    [Fact]
    public void Change_SameContent_YieldsNoEvent()
    {
        // equal content in new arrays: compared by value, not by reference
        PolicyRule[] same = [new("apps/billing/**", [PolicyAction.Read, PolicyAction.List], PolicyEffect.Allow)];
        Ok(PolicyDecisions.Change(Defined(), "Read billing", 100, same, "bob", At(4))).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Other", 100, false)]
    [InlineData("Read billing", 101, false)]
    [InlineData("Read billing", 100, true)]
    public void Change_AnyDifference_YieldsAnEvent(string description, int priority, bool changeRules)
    {
        PolicyRule[] rules = changeRules ? [new("apps/billing/**", [PolicyAction.List, PolicyAction.Read], PolicyEffect.Allow)] : ReadBilling;
        Ok(PolicyDecisions.Change(Defined(), description, priority, rules, "bob", At(4))).ShouldHaveSingleItem().ShouldBeOfType<PolicyChanged>();
    }

    [Fact]
    public void Change_MissingOrRemovedPolicy_IsNotFound()
    {
        Refused(PolicyDecisions.Change(null, null, 100, ReadBilling, Alice, At(1)), PolicyErrorCodes.NotFound);
        var removed = ApplyAll(Defined(), Ok(PolicyDecisions.Remove(Defined(), Alice, At(1))));
        Refused(PolicyDecisions.Change(removed, null, 100, ReadBilling, Alice, At(2)), PolicyErrorCodes.NotFound);
    }

    [Fact]
    public void Bind_NewSubject_BindsIt_AndKeepsBindingsSorted()
    {
        var policy = Bound("identity:sa:billing-prod", "group:billing", "identity:alice");

        policy.Bindings.ShouldBe(["group:billing", "identity:alice", "identity:sa:billing-prod"]);
        policy.IsBoundTo("group:billing").ShouldBeTrue();
        policy.IsBoundTo("group:Billing").ShouldBeFalse();
        (policy.UpdatedBy, policy.UpdatedAt).ShouldBe((Alice, At(1)));
    }

    [Fact]
    public void Bind_RepeatedSubject_YieldsNoEvent()
    {
        var events = Ok(PolicyDecisions.Bind(Defined(), "group:billing", Alice, At(1)));
        var bound = events.ShouldHaveSingleItem().ShouldBeOfType<PolicyBound>();
        bound.ShouldBe(new PolicyBound(Key, "group:billing", Alice, At(1)));

        Ok(PolicyDecisions.Bind(ApplyAll(Defined(), events), "group:billing", "bob", At(2))).ShouldBeEmpty();
    }

    [Fact]
    public void Unbind_BoundSubject_UnbindsIt_AndARepeatYieldsNoEvent()
    {
        var policy = Bound("group:billing", "identity:alice");

        var events = Ok(PolicyDecisions.Unbind(policy, "group:billing", "bob", At(3)));
        events.ShouldHaveSingleItem().ShouldBe(new PolicyUnbound(Key, "group:billing", "bob", At(3)));
        var after = ApplyAll(policy, events);
        after.Bindings.ShouldBe(["identity:alice"]);

        Ok(PolicyDecisions.Unbind(after, "group:billing", "bob", At(4))).ShouldBeEmpty();
        Ok(PolicyDecisions.Unbind(after, "identity:never-bound", "bob", At(4))).ShouldBeEmpty();
    }

    [Fact]
    public void BindAndUnbind_MissingOrRemovedPolicy_AreNotFound()
    {
        Refused(PolicyDecisions.Bind(null, "group:billing", Alice, At(1)), PolicyErrorCodes.NotFound);
        Refused(PolicyDecisions.Unbind(null, "group:billing", Alice, At(1)), PolicyErrorCodes.NotFound);
        var removed = ApplyAll(Defined(), Ok(PolicyDecisions.Remove(Defined(), Alice, At(1))));
        Refused(PolicyDecisions.Bind(removed, "group:billing", Alice, At(2)), PolicyErrorCodes.NotFound);
        Refused(PolicyDecisions.Unbind(removed, "group:billing", Alice, At(2)), PolicyErrorCodes.NotFound);
    }

    [Fact]
    public void Remove_LivePolicy_DropsRulesAndBindings()
    {
        var policy = Bound("group:billing");

        var events = Ok(PolicyDecisions.Remove(policy, "bob", At(5)));
        events.ShouldHaveSingleItem().ShouldBe(new PolicyRemoved(Key, "bob", At(5)));
        var removed = ApplyAll(policy, events);
        removed.Exists.ShouldBeFalse();
        removed.Removed.ShouldBeTrue();
        removed.Rules.ShouldBeEmpty();
        removed.Bindings.ShouldBeEmpty();
    }

    [Fact]
    public void Remove_Again_YieldsNoEvent_AndANeverDefinedPolicyIsNotFound()
    {
        var removed = ApplyAll(Defined(), Ok(PolicyDecisions.Remove(Defined(), Alice, At(1))));
        Ok(PolicyDecisions.Remove(removed, Alice, At(2))).ShouldBeEmpty();
        Refused(PolicyDecisions.Remove(null, Alice, At(2)), PolicyErrorCodes.NotFound);
    }

    [Fact]
    public void Decisions_NeverMutateTheState()
    {
        var policy = Bound("group:billing");
        var bindings = policy.Bindings.ToArray();
        _ = Ok(PolicyDecisions.Bind(policy, "group:other", Alice, At(2))).ToList();
        _ = Ok(PolicyDecisions.Unbind(policy, "group:billing", Alice, At(2))).ToList();
        _ = Ok(PolicyDecisions.Change(policy, "x", 1, DenyProd, Alice, At(2))).ToList();
        _ = Ok(PolicyDecisions.Remove(policy, Alice, At(2))).ToList();
        policy.Bindings.ShouldBe(bindings);
        policy.Rules.ShouldBe(ReadBilling);
        policy.Exists.ShouldBeTrue();
    }

    [Fact]
    public void ToEvaluable_CarriesNamePriorityAndRulesInOrder()
    {
        var evaluable = Defined(priority: 42).ToEvaluable();
        evaluable.Name.ShouldBe(Name);
        evaluable.Priority.ShouldBe(42);
        evaluable.Rules.ShouldBe(ReadBilling);
    }
}

public sealed class PolicyNamesTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("billing-readers")]
    [InlineData("Team_A.v2")]
    [InlineData("...")]
    public void Name_Valid_IsAccepted(string name) => PolicyKey.TryValidateName(name, out _).ShouldBeTrue();

    [Fact]
    public void Name_OfMaximumLength_IsAccepted() => PolicyKey.TryValidateName(new string('n', 128), out _).ShouldBeTrue();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a:b")]
    [InlineData("a%2Fb")]
    [InlineData("é")]
    public void Name_Invalid_IsRefused(string? name)
    {
        PolicyKey.TryValidateName(name, out var error).ShouldBeFalse();
        error.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Name_TooLong_IsRefused() => PolicyKey.TryValidateName(new string('n', 129), out _).ShouldBeFalse();

    [Fact]
    public void StreamKey_IsNeverASecretPath()
    {
        PolicyKey.For("apps").ShouldBe("policy:apps");
        PolicyKey.NameOf("policy:apps").ShouldBe("apps");
        // Secrets share the stream table with their path as key: the ':' keeps the two key spaces apart.
        SecretPath.TryValidate(PolicyKey.For("apps"), out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("identity:alice")]
    [InlineData("identity:sa:billing-prod")]
    [InlineData("identity:alice@example.com")]
    [InlineData("identity:6f1c2e9a-0b1d-4c55-9a77-1b2c3d4e5f60")]
    [InlineData("group:billing")]
    [InlineData("group:team.payments+eu=1")]
    public void Subject_Valid_IsAccepted(string subject) => PolicySubject.TryValidate(subject, out _).ShouldBeTrue();

    [Theory]
    [InlineData(null, "must be a string")]
    [InlineData("", "must start with")]
    [InlineData("alice", "must start with")]
    [InlineData("user:alice", "must start with")]
    [InlineData("Identity:alice", "must start with")]
    [InlineData("identity:", "names no identity")]
    [InlineData("group:", "names no identity or group")]
    [InlineData("group:a/b", "may hold only")]
    [InlineData("group:a b", "may hold only")]
    [InlineData("identity:al%69ce", "may hold only")]
    public void Subject_Invalid_IsRefusedWithTheRuleBroken(string? subject, string fragment)
    {
        PolicySubject.TryValidate(subject, out var error).ShouldBeFalse();
        error.ShouldContain(fragment);
    }

    [Fact]
    public void Subject_Helpers_BuildTheWireForm()
    {
        PolicySubject.Identity("sa:billing-prod").ShouldBe("identity:sa:billing-prod");
        PolicySubject.Group("billing").ShouldBe("group:billing");
        PolicySubject.TryValidate("group:" + new string('g', 256), out _).ShouldBeTrue();
        PolicySubject.TryValidate("group:" + new string('g', 257), out _).ShouldBeFalse();
    }
}

/// <summary>The ordering definition, with hand-made examples next to the generated comparison.</summary>
public sealed class PolicyEvaluatorTests
{
    private static EvaluablePolicy P(string name, int priority, params PolicyRule[] rules) => new(name, priority, rules);

    private static PolicyRule R(string path, PolicyEffect effect, params PolicyAction[] actions) => new(path, actions, effect);

    [Fact]
    public void NoPolicies_IsDefaultDeny() =>
        PolicyEvaluator.Evaluate([], PolicyAction.Read, "apps/x").ShouldBe(PolicyDecision.DefaultDeny);

    [Fact]
    public void NoRuleMatches_IsDefaultDeny() =>
        PolicyEvaluator.Evaluate([P("p", 100, R("apps/*", PolicyEffect.Allow, PolicyAction.Write))], PolicyAction.Read, "apps/x")
            .ShouldBe(new PolicyDecision(false, null, null));

    [Fact]
    public void LowerPriority_IsTakenFirst_WhateverItsName()
    {
        var decision = PolicyEvaluator.Evaluate(
            [P("a-allow", 100, R("apps/**", PolicyEffect.Allow, PolicyAction.Read)), P("z-deny", 10, R("apps/**", PolicyEffect.Deny, PolicyAction.Read))],
            PolicyAction.Read, "apps/x");
        decision.ShouldBe(new PolicyDecision(false, "z-deny", 0));
    }

    [Fact]
    public void SamePriority_IsOrderedByOrdinalName()
    {
        // ordinal: "B" (0x42) sorts before "a" (0x61); a culture-aware order would put "a" first
        var decision = PolicyEvaluator.Evaluate(
            [P("a", 100, R("**", PolicyEffect.Allow, PolicyAction.Read)), P("B", 100, R("**", PolicyEffect.Deny, PolicyAction.Read))],
            PolicyAction.Read, "x");
        decision.ShouldBe(new PolicyDecision(false, "B", 0));
    }

    [Fact]
    public void WithinAPolicy_TheFirstWrittenMatchingRuleWins_EvenWhenALaterOneIsMoreSpecific()
    {
        var policy = P("p", 100,
            R("apps/billing/db", PolicyEffect.Deny, PolicyAction.Write),
            R("apps/**", PolicyEffect.Allow, PolicyAction.Read),
            R("apps/billing/db", PolicyEffect.Deny, PolicyAction.Read));
        PolicyEvaluator.Evaluate([policy], PolicyAction.Read, "apps/billing/db").ShouldBe(new PolicyDecision(true, "p", 1));
        PolicyEvaluator.Evaluate([policy], PolicyAction.Write, "apps/billing/db").ShouldBe(new PolicyDecision(false, "p", 0));
    }

    [Fact]
    public void AnEarlierPolicyWithoutAMatch_FallsThroughToTheNext()
    {
        var decision = PolicyEvaluator.Evaluate(
            [P("first", 1, R("other/**", PolicyEffect.Deny, PolicyAction.Read)), P("second", 2, R("apps/*", PolicyEffect.Allow, PolicyAction.Read))],
            PolicyAction.Read, "apps/x");
        decision.ShouldBe(new PolicyDecision(true, "second", 0));
    }
}
