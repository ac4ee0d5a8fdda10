using System.Diagnostics.CodeAnalysis;

namespace ScaiVault.Domain.Policies;

/// <summary>
/// A path pattern of a policy rule, segment by segment: a literal segment matches itself, <c>*</c> in a
/// segment matches any run of characters within that segment (<c>db-*</c>), and a whole <c>**</c> segment
/// matches across segments: zero or more in the middle or at the start (<c>a/**/b</c> matches <c>a/b</c>),
/// one or more at the end (<c>apps/**</c> matches everything under <c>apps</c>, not <c>apps</c> itself).
/// These are gitignore's rules, so a pattern reads the way most engineers already expect.
/// </summary>
public sealed class PathPattern
{
    private readonly string[] _segments;

    private PathPattern(string text, string[] segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    public override string ToString() => Text;

    public static bool TryParse(string? text, [NotNullWhen(true)] out PathPattern? pattern, [NotNullWhen(false)] out string? error)
    {
        pattern = null;
        error = null;
        if (string.IsNullOrEmpty(text)) { error = "The pattern is empty."; return false; }
        if (text.Length > 512) { error = "The pattern is longer than 512 characters."; return false; }
        var segments = text.Split('/');
        foreach (var segment in segments)
        {
            if (segment.Length == 0) { error = "The pattern has an empty segment."; return false; }
            if (segment is "." or "..") { error = "The pattern has a '.' or '..' segment."; return false; }
            if (segment.Contains("**") && segment != "**") { error = "'**' must be a whole segment ('a/**/b', not 'a**')."; return false; }
            if (segment.Any(c => c != '*' && !Secrets.SecretPath.IsAllowedChar(c)))
            { error = "The pattern may hold only path characters (letters, digits, _ - . + = @), '/', '*' and '**'."; return false; }
        }
        pattern = new PathPattern(text, segments);
        return true;
    }

    public static PathPattern Parse(string text) =>
        TryParse(text, out var pattern, out var error) ? pattern : throw new FormatException(error);

    public bool Matches(string path) => Match(_segments, 0, path.Split('/'), 0);

    private static bool Match(string[] pattern, int p, string[] path, int s)
    {
        while (true)
        {
            if (p == pattern.Length) return s == path.Length;
            if (pattern[p] == "**")
            {
                var last = p == pattern.Length - 1;
                if (last) return path.Length - s >= 1;
                for (var skip = s; skip <= path.Length; skip++)
                    if (Match(pattern, p + 1, path, skip)) return true;
                return false;
            }
            if (s == path.Length || !SegmentMatches(pattern[p], path[s])) return false;
            p++;
            s++;
        }
    }

    /// <summary>Glob within one segment: '*' matches any run of characters (none included).</summary>
    private static bool SegmentMatches(string pattern, string segment)
    {
        if (!pattern.Contains('*')) return pattern == segment;
        int pi = 0, si = 0, star = -1, mark = 0;
        while (si < segment.Length)
        {
            if (pi < pattern.Length && pattern[pi] == segment[si]) { pi++; si++; }
            else if (pi < pattern.Length && pattern[pi] == '*') { star = pi++; mark = si; }
            else if (star >= 0) { pi = star + 1; si = ++mark; }
            else return false;
        }
        while (pi < pattern.Length && pattern[pi] == '*') pi++;
        return pi == pattern.Length;
    }
}
