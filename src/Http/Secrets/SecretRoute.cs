using System.Diagnostics.CodeAnalysis;
using System.Text;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Errors;

namespace ScaiVault.Http.Secrets;

/// <summary>
/// Takes the secret path from the request target as the client sent it. Kestrel would already have
/// removed dot segments and decoded escapes; reading the raw target lets the edge refuse
/// <c>..</c>, encoded slashes and the like instead of silently turning them into another path.
/// </summary>
public static class SecretRoute
{
    public static bool TryGetPath(HttpContext context, string routePrefix, [NotNullWhen(true)] out string? path, [NotNullWhen(false)] out ApiError? error)
    {
        path = null;
        var raw = context.RawTarget();
        var query = raw.IndexOf('?');
        if (query >= 0) raw = raw[..query];
        if (!raw.StartsWith(routePrefix, StringComparison.Ordinal))
        {
            error = Invalid("The path must follow " + routePrefix + ".");
            return false;
        }

        if (!TryDecode(raw[routePrefix.Length..], out var decoded, out var decodeError))
        {
            error = Invalid(decodeError);
            return false;
        }
        if (!SecretPath.TryValidate(decoded, out var grammarError))
        {
            error = Invalid(grammarError);
            return false;
        }
        path = decoded;
        error = null;
        return true;
    }

    private static bool TryDecode(string raw, [NotNullWhen(true)] out string? decoded, [NotNullWhen(false)] out string? error)
    {
        decoded = null;
        error = null;
        if (!raw.Contains('%'))
        {
            decoded = raw;
            return true;
        }
        var bytes = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '%')
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(raw[i].ToString()));
                continue;
            }
            if (i + 2 >= raw.Length || !byte.TryParse(raw.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
            {
                error = "The path has a malformed percent-escape.";
                return false;
            }
            if (b is (byte)'/' or (byte)'\\' or 0 or (byte)'%')
            {
                error = "The path has an encoded '/', '\\', '%' or NUL; write segments with plain '/'.";
                return false;
            }
            bytes.Add(b);
            i += 2;
        }
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            error = "The path is not valid UTF-8 once decoded.";
            return false;
        }
    }

    private static ApiError Invalid(string message) => ApiError.BadRequest(ErrorCodes.InvalidPath, message);
}
