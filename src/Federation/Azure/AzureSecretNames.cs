using System.Diagnostics.CodeAnalysis;

namespace ScaiVault.Federation.Azure;

/// <summary>
/// Maps backend names as the path mapping produces them (segments separated by <c>/</c>) to Azure Key Vault
/// secret names, which allow only <c>[0-9a-zA-Z-]{1,127}</c> and have no folders: every <c>/</c> becomes
/// <c>--</c>. Decoding turns each <c>--</c> (left to right) back into <c>/</c>, so every Azure name has
/// exactly one ScaiVault-side name and <c>Encode(Decode(n)) == n</c>. A name is writable only when it
/// survives the round trip (<c>Decode(Encode(name)) == name</c>): that refuses, with a reason, names
/// whose segments end in '-' or hold "--", which would otherwise collide with another name.
/// </summary>
public static class AzureSecretNames
{
    public const int MaxLength = 127;
    private const string Separator = "--";

    /// <summary>The Azure name of a backend name, or false with a reason a person can act on.</summary>
    public static bool TryEncode(string name, [NotNullWhen(true)] out string? azureName, [NotNullWhen(false)] out string? reason)
    {
        azureName = null;
        if (string.IsNullOrEmpty(name)) { reason = "The name is empty."; return false; }
        foreach (var c in name)
        {
            if (c == '/' || IsAzureChar(c)) continue;
            reason = char.IsControl(c) || c > '~'
                ? $"The name contains the character U+{(int)c:X4}; Azure Key Vault secret names allow only letters a-z, A-Z, digits and '-'."
                : $"The name contains '{c}'; Azure Key Vault secret names allow only letters a-z, A-Z, digits and '-' ('/' is stored as '--').";
            return false;
        }
        var encoded = name.Replace("/", Separator, StringComparison.Ordinal);
        if (encoded.Length > MaxLength)
        {
            reason = $"The name is {encoded.Length} characters long as an Azure name ('/' counts as '--'); Azure allows at most {MaxLength}.";
            return false;
        }
        if (Decode(encoded) != name)
        {
            reason = "The name has a segment that ends in '-' or contains '--' next to a '/'; stored as an Azure name ('/' becomes '--') it would read back as a different name.";
            return false;
        }
        azureName = encoded;
        reason = null;
        return true;
    }

    /// <summary>The backend name of an Azure secret name: each "--", left to right, becomes "/".</summary>
    public static string Decode(string azureName) => azureName.Replace(Separator, "/", StringComparison.Ordinal);

    private static bool IsAzureChar(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-';
}
