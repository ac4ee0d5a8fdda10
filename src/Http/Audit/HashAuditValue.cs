using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Audit;

public static class HashAuditValueEndpoint
{
    /// <summary>
    /// The HMAC-SHA256 that audit entries use for <c>{"input": "..."}</c> (e.g. a leaked bearer token), so it can be
    /// searched for (<c>GET /v1/audit/logs?token_hmac=...</c>) without the log ever holding the token. The input is
    /// neither stored nor logged; the request itself is audited like any other.
    /// </summary>
    [Authorize(Policy = Scopes.AuditRead)]
    [WolverinePost("/v1/audit/hash")]
    public static async Task<IResult> Post(HttpContext context, AuditHmacKey key)
    {
        var (root, error) = await JsonBody.ReadObjectAsync(context);
        if (error is not null) return error.ToResult();
        foreach (var property in root.EnumerateObject())
            if (property.Name != "input")
                return ApiError.BadRequest(ErrorCodes.InvalidRequest, $"Unknown field '{(property.Name.Length > 40 ? property.Name[..40] : property.Name)}'; send {{\"input\": \"...\"}}.").ToResult();
        if (!root.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.String || input.GetString() is not { Length: > 0 } value)
            return ApiError.BadRequest(ErrorCodes.InvalidRequest, "input must be a non-empty string: {\"input\": \"...\"}.").ToResult();

        var hash = key.Hash(value);
        return JsonResponse.Ok(json =>
        {
            json.WriteStartObject();
            json.WriteString("hash", hash);
            json.WriteEndObject();
        });
    }
}
