using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using ScaiVault.Domain.Federation;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation.Mapping;

/// <summary>
/// A backend's ordered path mapping: ScaiVault pattern → backend template, first match wins. A pattern
/// holds at most one <c>**</c> (one or more whole segments, captured); the template holds it too and gets
/// the capture substituted. Used both ways: a ScaiVault read becomes a backend name (proxy, write-through),
/// a listed backend name becomes a ScaiVault path (sync).
/// </summary>
public sealed class PathMapping
{
    public const string Glob = "**";
    public const int MaxRules = 64;

    private readonly Rule[] _rules;

    private PathMapping(Rule[] rules) => _rules = rules;

    public IReadOnlyList<MappingRule> Rules => [.. _rules.Select(r => r.Source)];

    public static PathMapping From(IReadOnlyList<MappingRule> rules) => new([.. rules.Select(Rule.Of)]);

    /// <summary>The backend name a ScaiVault path reads from, by the first pattern that matches; null when none does.</summary>
    public MappedName? ToBackend(string path)
    {
        foreach (var rule in _rules)
            if (rule.Pattern.TryMatch(path, out var capture))
                return new MappedName(rule.Source, rule.Template.Fill(capture));
        return null;
    }

    /// <summary>True when some pattern could match a path under this listing prefix (for listing decisions).</summary>
    public bool Covers(string path) => ToBackend(path) is not null;

    /// <summary>
    /// The ScaiVault path a backend name is synced to: the first rule whose template matches it, provided that
    /// the path maps back to the same name (an earlier rule may shadow it). Otherwise the reason it cannot be.
    /// </summary>
    public (string? Path, MappingRule? Rule, string? Skip) ToScaiVault(string backendName)
    {
        foreach (var rule in _rules)
        {
            if (!rule.Template.TryMatch(backendName, out var capture)) continue;
            var path = rule.Pattern.Fill(capture);
            if (!SecretPath.TryValidate(path, out var error)) return (null, rule.Source, $"invalid_path: {error}");
            var back = ToBackend(path);
            if (back is null || back.Name != backendName)
                return (null, rule.Source, "shadowed: an earlier mapping entry maps this ScaiVault path to another backend name");
            return (path, rule.Source, null);
        }
        return (null, null, "unmapped");
    }

    /// <summary>
    /// True when a rule proxies the whole subtree a listing prefix (ending in '/', or empty) lies in: its pattern ends
    /// in <c>**</c> and starts the prefix. Every ScaiVault path under the prefix is then this backend's.
    /// </summary>
    public bool HoldsSubtree(string listingPrefix) =>
        _rules.Any(r => r.Pattern.HasGlob && r.Pattern.Suffix.Length == 0 && listingPrefix.StartsWith(r.Pattern.Prefix, StringComparison.Ordinal));

    /// <summary>
    /// The backend prefixes whose names can map to ScaiVault paths under a listing prefix, one per rule that can hold
    /// such a path, without prefixes another one already covers. Listed names still go through <see cref="ToScaiVault"/>.
    /// </summary>
    public IReadOnlyList<string> BackendPrefixesUnder(string listingPrefix)
    {
        var prefixes = new List<string>();
        foreach (var rule in _rules)
        {
            var pattern = rule.Pattern;
            if (pattern.HasGlob && listingPrefix.StartsWith(pattern.Prefix, StringComparison.Ordinal))
                prefixes.Add(rule.Template.Prefix + listingPrefix[pattern.Prefix.Length..]);
            else if (pattern.Prefix.StartsWith(listingPrefix, StringComparison.Ordinal))
                prefixes.Add(rule.Template.Prefix);
        }
        return [.. prefixes.Distinct(StringComparer.Ordinal)
            .Where(p => !prefixes.Any(other => other.Length < p.Length && p.StartsWith(other, StringComparison.Ordinal)))];
    }

    /// <summary>The ScaiVault patterns of the rules that can hold paths under a listing prefix.</summary>
    public IEnumerable<string> PatternsUnder(string listingPrefix) => _rules
        .Where(r => r.Pattern.Prefix.StartsWith(listingPrefix, StringComparison.Ordinal)
                    || (r.Pattern.HasGlob && listingPrefix.StartsWith(r.Pattern.Prefix, StringComparison.Ordinal)))
        .Select(r => r.Source.Pattern);

    /// <summary>What a sync lists: per rule, the backend prefix before <c>**</c>, or the exact name of a rule without one.</summary>
    public IReadOnlyList<(MappingRule Rule, string Prefix, bool Exact)> SyncSources() =>
        [.. _rules.Select(r => (r.Source, r.Template.Prefix, !r.Template.HasGlob))];

    /// <summary>
    /// Reads <c>path_mapping</c> in either form: the object of federation-reference.md
    /// (<c>{"external/hashicorp/**": "kv/data/**"}</c>, in document order) or an ordered array of
    /// <c>{"scaivault_path": …, "backend_path": …, "transform": …}</c>. Errors name the field.
    /// </summary>
    public static (IReadOnlyList<MappingRule> Rules, ConfigError? Error) Parse(JsonElement element)
    {
        var rules = new List<MappingRule>();
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String)
                        return ([], new ConfigError($"path_mapping.{property.Name}", "must be a backend path template (a string)."));
                    rules.Add(new MappingRule(property.Name, property.Value.GetString()!));
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var field = $"path_mapping[{index++}]";
                    if (item.ValueKind != JsonValueKind.Object)
                        return ([], new ConfigError(field, "must be an object {\"scaivault_path\", \"backend_path\", \"transform\"}."));
                    string? pattern = null, template = null, transform = null;
                    foreach (var property in item.EnumerateObject())
                    {
                        if (property.Name is not ("scaivault_path" or "backend_path" or "transform"))
                            return ([], new ConfigError($"{field}.{Truncate(property.Name)}", "is not a field of a mapping entry; known are scaivault_path, backend_path, transform."));
                        if (property.Value.ValueKind != JsonValueKind.String)
                            return ([], new ConfigError($"{field}.{property.Name}", "must be a string."));
                        var value = property.Value.GetString()!;
                        if (property.Name == "scaivault_path") pattern = value;
                        else if (property.Name == "backend_path") template = value;
                        else transform = value;
                    }
                    if (pattern is null) return ([], new ConfigError($"{field}.scaivault_path", "is required."));
                    if (template is null) return ([], new ConfigError($"{field}.backend_path", "is required."));
                    rules.Add(new MappingRule(pattern, template, transform));
                }
                break;
            default:
                return ([], new ConfigError("path_mapping", "must be an object {scaivault_pattern: backend_template} or an ordered array of entries."));
        }
        if (rules.Count == 0) return ([], new ConfigError("path_mapping", "must hold at least one entry."));
        if (rules.Count > MaxRules) return ([], new ConfigError("path_mapping", $"holds more than {MaxRules} entries."));
        foreach (var rule in rules)
            if (Validate(rule) is { } error) return ([], error);
        return (rules, null);
    }

    public static ConfigError? Validate(MappingRule rule)
    {
        var field = $"path_mapping.{Truncate(rule.Pattern)}";
        var patternGlobs = Count(rule.Pattern, Glob);
        if (patternGlobs > 1) return new ConfigError(field, "may hold '**' at most once.");
        if (patternGlobs == 1)
        {
            var segments = rule.Pattern.Split('/');
            if (!segments.Contains(Glob)) return new ConfigError(field, "must use '**' as a whole path segment (e.g. external/vault/**).");
        }
        var probe = rule.Pattern.Replace(Glob, "x", StringComparison.Ordinal);
        if (!SecretPath.TryValidate(probe, out var error)) return new ConfigError(field, $"is not a valid ScaiVault path pattern: {error}");
        if (string.IsNullOrWhiteSpace(rule.Template) || rule.Template.Length > 1024 || rule.Template.Any(char.IsControl) || rule.Template.StartsWith('/'))
            return new ConfigError(field, "needs a backend path template: non-empty, no leading '/', no control characters.");
        if (Count(rule.Template, Glob) != patternGlobs)
            return new ConfigError(field, patternGlobs == 1
                ? "the backend template must hold '**' exactly once, where the captured part goes."
                : "the backend template must not hold '**' when the pattern does not.");
        if (!ValueTransform.TryParse(rule.Transform, out _, out var transformError))
            return new ConfigError($"{field}.transform", transformError);
        return null;
    }

    private static int Count(string s, string part)
    {
        var count = 0;
        for (var i = s.IndexOf(part, StringComparison.Ordinal); i >= 0; i = s.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "…";

    private sealed record Rule(MappingRule Source, Template Pattern, Template Template)
    {
        public static Rule Of(MappingRule r) => new(r, Mapping.Template.Of(r.Pattern), Mapping.Template.Of(r.Template));
    }
}

public sealed record MappedName(MappingRule Rule, string Name);

/// <summary>A string with at most one <c>**</c>: prefix, capture, suffix.</summary>
internal sealed record Template(string Prefix, string Suffix, bool HasGlob)
{
    public static Template Of(string text)
    {
        var at = text.IndexOf(PathMapping.Glob, StringComparison.Ordinal);
        return at < 0 ? new Template(text, "", false) : new Template(text[..at], text[(at + 2)..], true);
    }

    public bool TryMatch(string value, [NotNullWhen(true)] out string? capture)
    {
        capture = null;
        if (!HasGlob)
        {
            if (value != Prefix) return false;
            capture = "";
            return true;
        }
        if (value.Length <= Prefix.Length + Suffix.Length) return false;
        if (!value.StartsWith(Prefix, StringComparison.Ordinal) || !value.EndsWith(Suffix, StringComparison.Ordinal)) return false;
        capture = value[Prefix.Length..(value.Length - Suffix.Length)];
        return true;
    }

    public string Fill(string capture) => HasGlob ? Prefix + capture + Suffix : Prefix;
}
