using Marten;
using ScaiVault.Domain.Policies;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Policies;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Policies;

/// <summary>PolicyStore below the HTTP edge: tenant isolation, the stored events, the bound-to query.</summary>
public sealed class PolicyStoreTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private PolicyStore Policies => Host.Services.GetRequiredService<PolicyStore>();

    private static readonly PolicyRule[] ReadAll = [new("**", [PolicyAction.Read], PolicyEffect.Allow)];

    private async Task Define(string tenant, string name, params string[] subjects)
    {
        var caller = new Caller("tester", tenant, false, [], []);
        var (_, error) = await Policies.ChangeAsync(caller, name,
            (p, by, now) => PolicyDecisions.Define(p, name, null, 100, ReadAll, by, now), TestContext.Current.CancellationToken);
        Assert.Null(error);
        foreach (var subject in subjects)
        {
            (_, error) = await Policies.ChangeAsync(caller, name, (p, by, now) => PolicyDecisions.Bind(p, subject, by, now), TestContext.Current.CancellationToken);
            Assert.Null(error);
        }
    }

    [Fact]
    public async Task Evaluate_PolicyOfAnotherTenant_NeverApplies()
    {
        await Define("tenant-b", "readers", "group:billing");

        var otherTenant = await Policies.EvaluateAsync("default", ["group:billing"], PolicyAction.Read, "apps/x", TestContext.Current.CancellationToken);
        var ownTenant = await Policies.EvaluateAsync("tenant-b", ["group:billing"], PolicyAction.Read, "apps/x", TestContext.Current.CancellationToken);

        Assert.Equal(PolicyDecision.DefaultDeny, otherTenant);
        Assert.Equal(new PolicyDecision(true, "readers", 0), ownTenant);
        Assert.Null(await Policies.LoadAsync("default", "readers", TestContext.Current.CancellationToken));
        Assert.Empty(await Policies.ListAsync("default", null, 10, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SameNameInTwoTenants_AreTwoPolicies()
    {
        await Define("tenant-a", "readers", "group:a");
        await Define("tenant-b", "readers", "group:b");

        Assert.Equal(["group:a"], (await Policies.LoadAsync("tenant-a", "readers", TestContext.Current.CancellationToken))!.Bindings);
        Assert.Equal(["group:b"], (await Policies.LoadAsync("tenant-b", "readers", TestContext.Current.CancellationToken))!.Bindings);
    }

    [Fact]
    public async Task BoundTo_SelectsExactlyThePoliciesBoundToAnySubject()
    {
        await Define("default", "one", "group:a", "identity:x");
        await Define("default", "two", "group:b");
        await Define("default", "three");
        await Define("default", "four", "group:a");
        var (_, error) = await Policies.ChangeAsync(new Caller("tester", "default", false, [], []), "four", PolicyDecisions.Remove, TestContext.Current.CancellationToken);
        Assert.Null(error);

        async Task<string[]> Names(params string[] subjects) =>
            [.. (await Policies.BoundToAsync("default", subjects, TestContext.Current.CancellationToken)).Select(p => p.Name).Order(StringComparer.Ordinal)];

        Assert.Equal(["one"], await Names("group:a"));
        Assert.Equal(["one", "two"], await Names("identity:x", "group:b"));
        Assert.Equal(["one", "two"], await Names("group:a", "group:b", "group:c"));
        Assert.Empty(await Names("group:c"));
        Assert.Empty(await Names("group"));
        Assert.Empty(await Names());
    }

    [Fact]
    public async Task Events_AreStoredOnThePolicyStreamUnderTheirPinnedNames()
    {
        var caller = new Caller("tester", "default", false, [], []);
        await Define("default", "p", "group:a");
        await Policies.ChangeAsync(caller, "p", (p, by, now) => PolicyDecisions.Change(p, "d", 1, ReadAll, by, now), TestContext.Current.CancellationToken);
        await Policies.ChangeAsync(caller, "p", (p, by, now) => PolicyDecisions.Unbind(p, "group:a", by, now), TestContext.Current.CancellationToken);
        await Policies.ChangeAsync(caller, "p", PolicyDecisions.Remove, TestContext.Current.CancellationToken);

        await using var session = Store.QuerySession("default");
        var events = await session.Events.FetchStreamAsync("policy:p", token: TestContext.Current.CancellationToken);
        Assert.Equal(["policy_defined", "policy_bound", "policy_changed", "policy_unbound", "policy_removed"], events.Select(e => e.EventTypeName));
        Assert.All(events, e => Assert.Equal("tester", e.Data switch
        {
            PolicyDefined d => d.DefinedBy,
            PolicyBound b => b.BoundBy,
            PolicyChanged c => c.ChangedBy,
            PolicyUnbound u => u.UnboundBy,
            PolicyRemoved r => r.RemovedBy,
            _ => "?",
        }));
    }
}
