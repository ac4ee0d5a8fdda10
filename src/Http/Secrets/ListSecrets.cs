using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Secrets;

public static class ListSecretsEndpoint
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>
    /// Paths under <c>?prefix=</c> (whole segments: <c>apps/billing</c> lists <c>apps/billing/...</c>), in path
    /// order, <c>limit</c> at a time; <c>next_cursor</c> fetches the next page. Never values.
    /// </summary>
    [Authorize(Policy = Scopes.SecretsRead)]
    [WolverineGet("/v1/secrets")]
    public static async Task<IResult> Get(HttpContext context, ClaimsPrincipal user, SecretStore secrets, PathAccess access)
    {
        var query = context.Request.Query;
        // One leading and one trailing '/' are forgiven ("/apps/billing/"); anything sloppier is refused.
        var prefix = query["prefix"].ToString();
        if (prefix.StartsWith('/')) prefix = prefix[1..];
        if (!SecretPath.TryValidatePrefix(prefix, out var prefixError))
            return ApiError.BadRequest(ErrorCodes.InvalidPath, "prefix: " + prefixError).ToResult();
        if (prefix.EndsWith('/')) prefix = prefix[..^1];
        if (prefix.Length > 0) prefix += "/";

        var limit = DefaultLimit;
        if (query.ContainsKey("limit") && (!int.TryParse(query["limit"], System.Globalization.NumberStyles.None, null, out limit) || limit is < 1 or > MaxLimit))
            return ApiError.BadRequest(ErrorCodes.InvalidRequest, $"limit must be a whole number from 1 to {MaxLimit}.").ToResult();

        string? after = null;
        if (query.TryGetValue("cursor", out var cursor) && cursor.ToString().Length > 0)
        {
            after = DecodeCursor(cursor.ToString());
            if (after is null || !SecretPath.TryValidate(after, out _))
                return ApiError.BadRequest("invalid_cursor", "cursor is not one this service handed out; start again without it.").ToResult();
        }

        var caller = user.ToCaller();
        var page = await secrets.ListAsync(caller, prefix, after, limit + 1, context.RequestAborted);
        var next = page.Count > limit ? EncodeCursor(page[limit - 1].Id) : null;
        // Entries the caller may not list are left out; a page can then be shorter than limit, and
        // next_cursor (taken before filtering) still moves on correctly.
        var mayList = await access.ForCallerAsync(caller, context.RequestAborted);
        var items = page.Take(limit).Where(s => mayList(PolicyAction.List, s.Id)).ToList();

        return JsonResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("prefix", prefix);
            json.WriteStartArray("secrets");
            foreach (var s in items)
            {
                json.WriteStartObject();
                json.WriteString("path", s.Id);
                json.WriteNumber("current_version", s.LastVersion);
                json.WriteString("secret_type", s.SecretType.ToWire());
                SecretJson.WriteTime(json, "updated_at", s.UpdatedAt);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("next_cursor", next);
            json.WriteEndObject();
        });
    }

    private static string EncodeCursor(string path) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(path));

    private static string? DecodeCursor(string cursor)
    {
        try { return Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(cursor)); }
        catch (FormatException) { return null; }
    }
}
