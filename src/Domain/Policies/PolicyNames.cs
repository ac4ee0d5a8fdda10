using System.Diagnostics.CodeAnalysis;

namespace ScaiVault.Domain.Policies;

/// <summary>Policy names and the stream key they map to.</summary>
public static class PolicyKey
{
    public const string Prefix = "policy:";
    public const int MaxNameLength = 128;

    /// <summary>The stream key (and document id) of a policy. A secret path never holds ':', so this cannot be a path.</summary>
    public static string For(string name) => Prefix + name;

    public static string NameOf(string policyId) =>
        policyId.StartsWith(Prefix, StringComparison.Ordinal) ? policyId[Prefix.Length..] : policyId;

    /// <summary>1 to 128 letters, digits, <c>_ - .</c>; not <c>.</c> or <c>..</c>, which a URL would not keep as a name.</summary>
    public static bool TryValidateName(string? name, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(name)) error = "must not be empty.";
        else if (name.Length > MaxNameLength) error = $"must be at most {MaxNameLength} characters.";
        else if (name is "." or "..") error = "must not be '.' or '..'.";
        else if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            error = "may hold only letters, digits and _ - . characters.";
        return error is null;
    }
}

/// <summary>
/// Who a policy is bound to: <c>identity:&lt;sub&gt;</c> (a user, or a service account such as
/// <c>identity:sa:billing-prod</c>) or <c>group:&lt;name&gt;</c>. Compared exactly (ordinal): one subject has one spelling.
/// </summary>
public static class PolicySubject
{
    public const string IdentityPrefix = "identity:";
    public const string GroupPrefix = "group:";
    public const int MaxValueLength = 256;

    public static string Identity(string sub) => IdentityPrefix + sub;

    public static string Group(string name) => GroupPrefix + name;

    /// <summary>
    /// The value after the prefix: 1 to 256 of letters, digits and <c>_ - . @ : + =</c>. No '/', no spaces, no
    /// escapes: a subject is also a URL segment (<c>DELETE /v1/policies/{name}/bindings/{subject}</c>).
    /// </summary>
    public static bool TryValidate(string? subject, [NotNullWhen(false)] out string? error)
    {
        error = null;
        string value;
        if (subject is null) { error = "must be a string."; return false; }
        if (subject.StartsWith(IdentityPrefix, StringComparison.Ordinal)) value = subject[IdentityPrefix.Length..];
        else if (subject.StartsWith(GroupPrefix, StringComparison.Ordinal)) value = subject[GroupPrefix.Length..];
        else { error = "must start with 'identity:' or 'group:'."; return false; }
        if (value.Length == 0) error = "names no identity or group after the prefix.";
        else if (value.Length > MaxValueLength) error = $"must name an identity or group of at most {MaxValueLength} characters.";
        else if (!value.All(IsAllowedChar)) error = "may hold only letters, digits and _ - . @ : + = after the prefix.";
        return error is null;
    }

    private static bool IsAllowedChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '@' or ':' or '+' or '=';
}
