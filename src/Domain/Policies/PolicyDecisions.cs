namespace ScaiVault.Domain.Policies;

/// <summary>A refused policy command: a stable code and a message a person can act on.</summary>
public sealed record PolicyError(string Code, string Message);

public static class PolicyErrorCodes
{
    public const string NotFound = "policy_not_found";
    public const string Exists = "policy_exists";
}

/// <summary>
/// What each command on a policy decides, as pure functions of the current state: events out, no I/O.
/// A repeated command that changes nothing yields no event.
/// </summary>
public static class PolicyDecisions
{
    public static (IEnumerable<object> Events, PolicyError? Error) Define(Policy? policy, string name, string? description,
        int priority, PolicyRule[] rules, string by, DateTimeOffset now)
    {
        if (policy is { Exists: true })
            return ([], new PolicyError(PolicyErrorCodes.Exists, $"A policy named '{name}' already exists; change it with PUT /v1/policies/{name}."));
        return ([new PolicyDefined(PolicyKey.For(name), name, description, priority, rules, by, now)], null);
    }

    public static (IEnumerable<object> Events, PolicyError? Error) Change(Policy? policy, string? description, int priority,
        PolicyRule[] rules, string by, DateTimeOffset now)
    {
        if (policy is not { Exists: true }) return ([], NotFound());
        if (policy.Description == description && policy.Priority == priority && SameRules(policy.Rules, rules)) return ([], null);
        return ([new PolicyChanged(policy.Id, description, priority, rules, by, now)], null);
    }

    public static (IEnumerable<object> Events, PolicyError? Error) Bind(Policy? policy, string subject, string by, DateTimeOffset now)
    {
        if (policy is not { Exists: true }) return ([], NotFound());
        return (policy.IsBoundTo(subject) ? [] : [new PolicyBound(policy.Id, subject, by, now)], null);
    }

    public static (IEnumerable<object> Events, PolicyError? Error) Unbind(Policy? policy, string subject, string by, DateTimeOffset now)
    {
        if (policy is not { Exists: true }) return ([], NotFound());
        return (policy.IsBoundTo(subject) ? [new PolicyUnbound(policy.Id, subject, by, now)] : [], null);
    }

    /// <summary>
    /// Removing a policy drops its rules and bindings and frees the name. Removing it again changes nothing
    /// (no event, no error), as deleting a deleted secret does; a name that never held a policy is not found.
    /// </summary>
    public static (IEnumerable<object> Events, PolicyError? Error) Remove(Policy? policy, string by, DateTimeOffset now)
    {
        if (policy is null) return ([], NotFound());
        if (policy.Removed) return ([], null);
        return ([new PolicyRemoved(policy.Id, by, now)], null);
    }

    public static bool SameRules(IReadOnlyList<PolicyRule> a, IReadOnlyList<PolicyRule> b) =>
        a.Count == b.Count && a.Zip(b).All(p =>
            p.First.Path == p.Second.Path && p.First.Effect == p.Second.Effect && p.First.Actions.SequenceEqual(p.Second.Actions));

    private static PolicyError NotFound() => new(PolicyErrorCodes.NotFound, "No policy exists with this name.");
}
