using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Policies;

public static class ListPoliciesEndpoint
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Policies in name order, <c>limit</c> at a time; <c>next_cursor</c> fetches the next page.</summary>
    [Authorize(Policy = Scopes.PoliciesWrite)]
    [WolverineGet("/v1/policies")]
    public static async Task<IResult> Get(HttpContext context, ClaimsPrincipal user, PolicyStore policies)
    {
        var query = context.Request.Query;
        var limit = DefaultLimit;
        if (query.ContainsKey("limit") && (!int.TryParse(query["limit"], System.Globalization.NumberStyles.None, null, out limit) || limit is < 1 or > MaxLimit))
            return ApiError.BadRequest(ErrorCodes.InvalidRequest, $"limit must be a whole number from 1 to {MaxLimit}.").ToResult();

        string? after = null;
        if (query.TryGetValue("cursor", out var cursor) && cursor.ToString().Length > 0)
        {
            after = DecodeCursor(cursor.ToString());
            if (after is null || !PolicyKey.TryValidateName(after, out _))
                return ApiError.BadRequest("invalid_cursor", "cursor is not one this service handed out; start again without it.").ToResult();
        }

        var page = await policies.ListAsync(user.ToCaller().TenantId, after, limit + 1, context.RequestAborted);
        var items = page.Take(limit).ToList();
        var next = page.Count > limit ? EncodeCursor(items[^1].Name) : null;

        return JsonResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("policies");
            foreach (var policy in items) PolicyJson.Write(json, policy);
            json.WriteEndArray();
            json.WriteString("next_cursor", next);
            json.WriteEndObject();
        });
    }

    private static string EncodeCursor(string name) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(name));

    private static string? DecodeCursor(string cursor)
    {
        try { return Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(cursor)); }
        catch (FormatException) { return null; }
    }
}
