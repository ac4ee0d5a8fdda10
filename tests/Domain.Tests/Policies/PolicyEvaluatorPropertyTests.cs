using System.Text;
using System.Text.RegularExpressions;
using ScaiVault.Domain.Policies;

namespace ScaiVault.Domain.Tests.Policies;

/// <summary>
/// PathPattern and PolicyEvaluator against an independent reference written here: patterns become regular
/// expressions, evaluation a plain sort and loop. Thousands of generated cases from fixed seeds must agree
/// completely, so a failure is reproducible and names the case.
/// </summary>
public sealed class PolicyEvaluatorPropertyTests
{
    // Few distinct segments, so that generated patterns and paths collide often.
    private static readonly string[] Segments = ["a", "b", "ab", "ba", "a.b", "x-1", "db"];
    private static readonly string[] PatternSegments = ["a", "b", "ab", "a.b", "db", "x-1", "*", "a*", "*b", "a*b", "*a*", "x-*", "**", "**"];
    // Names whose ordinal order differs from culture-aware order ('B' < 'a', '-' and '.' and '_' not ignored).
    private static readonly string[] Names = ["a", "B", "b", "A1", "_x", "-y", ".z", "a-b", "ab", "a.b"];
    private static readonly int[] Priorities = [0, 5, 100, 100, 100, 10_000];

    /// <summary>The reference: a pattern as an anchored regular expression, built segment by segment.</summary>
    private static Regex ToRegex(string pattern)
    {
        var segments = pattern.Split('/');
        var regex = new StringBuilder("^");
        var atStart = true; // nothing consumed yet: the next concrete segment needs no leading '/'
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            if (segments[i] == "**")
            {
                // at the end one or more segments, elsewhere zero or more
                if (last) regex.Append(atStart ? "[^/]+(/[^/]+)*" : "(/[^/]+)+");
                else regex.Append(atStart ? "([^/]+/)*" : "(/[^/]+)*");
                continue;
            }
            if (!atStart) regex.Append('/');
            foreach (var c in segments[i]) regex.Append(c == '*' ? "[^/]*" : Regex.Escape(c.ToString()));
            atStart = false;
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }

    private static readonly Dictionary<string, Regex> Compiled = [];

    private static bool ReferenceMatches(string pattern, string path)
    {
        if (!Compiled.TryGetValue(pattern, out var regex)) Compiled[pattern] = regex = ToRegex(pattern);
        return regex.IsMatch(path);
    }

    private static PolicyDecision ReferenceEvaluate(List<EvaluablePolicy> policies, PolicyAction action, string path)
    {
        var ordered = new List<EvaluablePolicy>(policies);
        ordered.Sort((x, y) => x.Priority != y.Priority ? x.Priority.CompareTo(y.Priority) : string.CompareOrdinal(x.Name, y.Name));
        foreach (var policy in ordered)
        {
            for (var i = 0; i < policy.Rules.Count; i++)
            {
                var rule = policy.Rules[i];
                if (Array.IndexOf(rule.Actions, action) >= 0 && ReferenceMatches(rule.Path, path))
                    return new PolicyDecision(rule.Effect == PolicyEffect.Allow, policy.Name, i);
            }
        }
        return new PolicyDecision(false, null, null);
    }

    private static string RandomPath(Random random) =>
        string.Join('/', Enumerable.Range(0, random.Next(1, 6)).Select(_ => Segments[random.Next(Segments.Length)]));

    private static string RandomPattern(Random random) =>
        string.Join('/', Enumerable.Range(0, random.Next(1, 5)).Select(_ => PatternSegments[random.Next(PatternSegments.Length)]));

    private static PolicyRule RandomRule(Random random)
    {
        var all = Enum.GetValues<PolicyAction>();
        var actions = all.Where(_ => random.Next(3) == 0).ToArray();
        if (actions.Length == 0) actions = [all[random.Next(all.Length)]];
        return new PolicyRule(RandomPattern(random), actions, random.Next(2) == 0 ? PolicyEffect.Allow : PolicyEffect.Deny);
    }

    private static List<EvaluablePolicy> RandomPolicies(Random random)
    {
        var names = Names.OrderBy(_ => random.Next()).Take(random.Next(0, 5));
        return [.. names.Select(name => new EvaluablePolicy(name, Priorities[random.Next(Priorities.Length)],
            [.. Enumerable.Range(0, random.Next(0, 6)).Select(_ => RandomRule(random))]))];
    }

    [Fact]
    public void Reference_AgreesWithTheDocumentedExamples()
    {
        ReferenceMatches("apps/**", "apps").ShouldBeFalse();
        ReferenceMatches("apps/**", "apps/x/y").ShouldBeTrue();
        ReferenceMatches("a/**/b", "a/b").ShouldBeTrue();
        ReferenceMatches("**/key", "key").ShouldBeTrue();
        ReferenceMatches("db-*", "db-").ShouldBeTrue();
        ReferenceMatches("*", "a/b").ShouldBeFalse();
        ReferenceMatches("a.b", "aXb").ShouldBeFalse();
    }

    [Fact]
    public void PathPattern_AgreesWithTheReference_On20000GeneratedCases()
    {
        var random = new Random(20251123);
        var (matched, mismatches) = (0, new List<string>());
        for (var n = 0; n < 20_000; n++)
        {
            var pattern = RandomPattern(random);
            var path = RandomPath(random);
            var expected = ReferenceMatches(pattern, path);
            if (expected) matched++;
            if (PathPattern.Parse(pattern).Matches(path) != expected) mismatches.Add($"#{n}: '{pattern}' on '{path}' should be {expected}");
        }
        mismatches.ShouldBeEmpty(string.Join(Environment.NewLine, mismatches.Take(20)));
        matched.ShouldBeGreaterThan(1_000); // the generator really exercises matches, not only misses
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void PolicyEvaluator_AgreesWithTheReference_On5000GeneratedCases(int seed)
    {
        var random = new Random(seed);
        var mismatches = new List<string>();
        int allowed = 0, deniedByRule = 0, defaultDenied = 0, decidedAfterFirstPolicy = 0;
        for (var n = 0; n < 5_000; n++)
        {
            var policies = RandomPolicies(random);
            var action = Enum.GetValues<PolicyAction>()[random.Next(5)];
            var path = RandomPath(random);

            var expected = ReferenceEvaluate(policies, action, path);
            // Handed over in random order: the evaluator must order them itself.
            var actual = PolicyEvaluator.Evaluate(policies.OrderBy(_ => random.Next()).ToList(), action, path);

            if (actual != expected)
                mismatches.Add($"seed {seed} #{n}: {action} {path} → {actual}, expected {expected}; policies: " +
                    string.Join(" | ", policies.Select(p => $"{p.Name}@{p.Priority}: " +
                        string.Join(", ", p.Rules.Select(r => $"{r.Effect} {string.Join('+', r.Actions)} {r.Path}")))));
            if (expected.PolicyName is null) defaultDenied++;
            else if (expected.Allowed) allowed++;
            else deniedByRule++;
            if (expected.PolicyName is not null && expected.PolicyName != ReferenceFirstPolicyName(policies)) decidedAfterFirstPolicy++;
        }
        mismatches.ShouldBeEmpty(string.Join(Environment.NewLine, mismatches.Take(10)));
        // Every outcome and cross-policy ordering occurs often enough for agreement to mean something.
        allowed.ShouldBeGreaterThan(250);
        deniedByRule.ShouldBeGreaterThan(250);
        defaultDenied.ShouldBeGreaterThan(250);
        decidedAfterFirstPolicy.ShouldBeGreaterThan(100);
    }

    private static string? ReferenceFirstPolicyName(List<EvaluablePolicy> policies) =>
        policies.Count == 0 ? null
            : policies.OrderBy(p => p.Priority).ThenBy(p => p.Name, StringComparer.Ordinal).First().Name;
}
