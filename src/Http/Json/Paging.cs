using System.Buffers.Text;
using System.Text;
using ScaiVault.Http.Errors;

namespace ScaiVault.Http.Json;

/// <summary>
/// Keyset pagination shared by every listing: <c>limit</c> (1-1000, default 100) and an opaque
/// <c>cursor</c> that is the last key of the previous page, base64url-encoded.
/// </summary>
public static class Paging
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Reads limit and cursor; <paramref name="isKey"/> says whether a decoded cursor could be a key.</summary>
    public static (int Limit, string? After, ApiError? Error) Read(IQueryCollection query, Func<string, bool> isKey)
    {
        var limit = DefaultLimit;
        if (query.ContainsKey("limit") && (!int.TryParse(query["limit"], System.Globalization.NumberStyles.None, null, out limit) || limit is < 1 or > MaxLimit))
            return (0, null, ApiError.BadRequest(ErrorCodes.InvalidRequest, $"limit must be a whole number from 1 to {MaxLimit}."));

        if (!query.TryGetValue("cursor", out var cursor) || cursor.ToString().Length == 0) return (limit, null, null);
        var after = Decode(cursor.ToString());
        return after is null || !isKey(after)
            ? (0, null, ApiError.BadRequest("invalid_cursor", "cursor is not one this service handed out; start again without it."))
            : (limit, after, null);
    }

    /// <summary>The cursor for the page after one that ended at <paramref name="lastKey"/>.</summary>
    public static string Cursor(string lastKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastKey));

    private static string? Decode(string cursor)
    {
        try { return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)); }
        catch (FormatException) { return null; }
    }
}
