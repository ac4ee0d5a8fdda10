using System.Diagnostics.CodeAnalysis;

namespace ScaiVault.Domain.Secrets;

/// <summary>
/// The one grammar for secret paths, applied at the edge: segments of letters, digits and <c>_ - . + = @</c>
/// joined by '/'. Anything that could be read two ways (dot segments, empty segments, encoded or
/// back-slashes, control characters) is refused rather than normalised, so a path means one thing
/// everywhere: in policies, in audit rows and in federation mappings.
/// </summary>
public static class SecretPath
{
    public const int MaxLength = 512;
    public const int MaxDepth = 32;
    public const int MaxSegmentLength = 128;

    public static bool IsAllowedChar(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '-' or '.' or '+' or '=' or '@';

    /// <summary>Validates a path (no leading or trailing slash). The error names the rule broken.</summary>
    public static bool TryValidate(string? path, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(path)) { error = "The path is empty."; return false; }
        if (path.Length > MaxLength) { error = $"The path is longer than {MaxLength} characters."; return false; }
        var segments = path.Split('/');
        if (segments.Length > MaxDepth) { error = $"The path has more than {MaxDepth} segments."; return false; }
        foreach (var segment in segments)
        {
            if (segment.Length == 0) { error = "The path has an empty segment (a leading, trailing or doubled '/')."; return false; }
            if (segment is "." or "..") { error = "The path has a '.' or '..' segment."; return false; }
            if (segment.Length > MaxSegmentLength) { error = $"A path segment is longer than {MaxSegmentLength} characters."; return false; }
            foreach (var c in segment)
            {
                if (!IsAllowedChar(c))
                {
                    error = char.IsControl(c) || c > '~'
                        ? $"The path contains the character U+{(int)c:X4}; allowed are letters, digits and _ - . + = @ between '/'."
                        : $"The path contains '{c}'; allowed are letters, digits and _ - . + = @ between '/'.";
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>Validates a listing prefix: empty (everything) or a valid path, optionally ending in '/'.</summary>
    public static bool TryValidatePrefix(string? prefix, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(prefix)) return true;
        return TryValidate(prefix.EndsWith('/') ? prefix[..^1] : prefix, out error);
    }
}
