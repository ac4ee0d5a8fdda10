namespace ScaiVault.Domain.Policies;

/// <summary>What a request does to a path, as policies name it.</summary>
public enum PolicyAction
{
    /// <summary>Read a secret's value.</summary>
    Read,
    /// <summary>Write a version, change metadata.</summary>
    Write,
    /// <summary>List paths, read metadata and version history (never values).</summary>
    List,
    /// <summary>Soft-delete and restore versions, delete a whole secret.</summary>
    Delete,
    /// <summary>Destroy versions for good.</summary>
    Destroy,
}

public enum PolicyEffect
{
    Allow,
    Deny,
}

/// <summary>One rule: if the path matches and the action is listed, the effect decides.</summary>
public sealed record PolicyRule(string Path, PolicyAction[] Actions, PolicyEffect Effect)
{
    public bool Applies(PolicyAction action, string path) =>
        Actions.Contains(action) && Parsed(Path).Matches(path);

    // Rules are evaluated on every request; their patterns are parsed once per distinct text. The bound
    // keeps a flood of distinct patterns from growing the cache without limit.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PathPattern> Patterns = new(StringComparer.Ordinal);

    private static PathPattern Parsed(string text)
    {
        if (Patterns.TryGetValue(text, out var pattern)) return pattern;
        if (Patterns.Count > 10_000) Patterns.Clear();
        return Patterns.GetOrAdd(text, PathPattern.Parse);
    }
}

/// <summary>The outcome of an evaluation, with the rule that decided it (none: default deny).</summary>
public sealed record PolicyDecision(bool Allowed, string? PolicyName, int? RuleIndex)
{
    public static readonly PolicyDecision DefaultDeny = new(false, null, null);
}

/// <summary>A policy as the evaluator needs it: its order key and its rules in order.</summary>
public sealed record EvaluablePolicy(string Name, int Priority, IReadOnlyList<PolicyRule> Rules);

/// <summary>
/// First matching rule wins. Policies are taken by <c>priority</c> (lower first), then by name
/// (ordinal), and within a policy rules in the order they were written. No match: denied.
/// </summary>
public static class PolicyEvaluator
{
    public static PolicyDecision Evaluate(IEnumerable<EvaluablePolicy> policies, PolicyAction action, string path)
    {
        foreach (var policy in policies.OrderBy(p => p.Priority).ThenBy(p => p.Name, StringComparer.Ordinal))
            for (var i = 0; i < policy.Rules.Count; i++)
                if (policy.Rules[i].Applies(action, path))
                    return new PolicyDecision(policy.Rules[i].Effect == PolicyEffect.Allow, policy.Name, i);
        return PolicyDecision.DefaultDeny;
    }
}
