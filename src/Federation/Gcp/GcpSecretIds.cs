using System.Diagnostics.CodeAnalysis;

namespace ScaiVault.Federation.Gcp;

/// <summary>
/// Backend names (with '/' like ScaiVault paths) ↔ GCP secret ids, which are flat and allow only
/// <c>[A-Za-z0-9_-]{1,255}</c>. Each '/' is written as <c>__</c> (<c>apps/billing/db</c> ↔
/// <c>apps__billing__db</c>). The mapping is deterministic both ways; a name is accepted only when
/// it survives the round trip, so no two names ever share an id.
/// </summary>
public static class GcpSecretIds
{
    public const string Separator = "__";
    public const int MaxLength = 255;

    /// <summary>The secret id of a name, or why GCP cannot hold that name.</summary>
    public static bool TryEncode(string name, [NotNullWhen(true)] out string? id, [NotNullWhen(false)] out string? reason)
    {
        id = null;
        if (string.IsNullOrEmpty(name)) { reason = "the name is empty."; return false; }
        if (FirstForbidden(name) is { } c) { reason = Forbidden(c); return false; }
        if (name.Split('/').Any(segment => segment.Length == 0))
        {
            reason = "the name has an empty segment (a leading, trailing or doubled '/').";
            return false;
        }
        var encoded = name.Replace("/", Separator, StringComparison.Ordinal);
        if (Decode(encoded) != name)
        {
            reason = $"the name contains '{Separator}' or a '_' next to a '/', which the '/' ↔ '{Separator}' mapping cannot tell apart.";
            return false;
        }
        if (encoded.Length > MaxLength)
        {
            reason = $"the secret id would be {encoded.Length} characters; GCP allows at most {MaxLength}.";
            return false;
        }
        id = encoded;
        reason = null;
        return true;
    }

    /// <summary>The id prefix to list for a name prefix (may end in '/'), or null when no secret id can start so.</summary>
    public static string? EncodePrefix(string prefix) =>
        FirstForbidden(prefix) is null ? prefix.Replace("/", Separator, StringComparison.Ordinal) : null;

    /// <summary>The name of a secret id: every <c>__</c> read as '/', left to right.</summary>
    public static string Decode(string id) => id.Replace(Separator, "/", StringComparison.Ordinal);

    private static char? FirstForbidden(string name)
    {
        foreach (var c in name)
            if (c is not (>= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '-' or '/'))
                return c;
        return null;
    }

    private static string Forbidden(char c) =>
        (char.IsControl(c) || c > '~' ? $"the character U+{(int)c:X4}" : $"'{c}'")
        + " cannot be part of a GCP secret id (letters, digits, '-' and '_' only; '/' is written as '__').";
}
