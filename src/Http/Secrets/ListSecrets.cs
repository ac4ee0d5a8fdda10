using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Audit;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Federation;
using ScaiVault.Http.Json;
using Wolverine.Http;

namespace ScaiVault.Http.Secrets;

public static class ListSecretsEndpoint
{
    /// <summary>
    /// Paths under <c>?prefix=</c> (whole segments: <c>apps/billing</c> lists <c>apps/billing/...</c>), in path
    /// order, <c>limit</c> at a time; <c>next_cursor</c> fetches the next page. Never values. Inside a proxied subtree
    /// the backend answers (<see cref="ProxyListing"/>); elsewhere, <c>proxied</c> names the proxied patterns under the
    /// prefix that this local listing does not expand (listing them would call every backend on every page).
    /// </summary>
    [Authorize(Policy = Scopes.SecretsRead)]
    [WolverineGet("/v1/secrets")]
    public static async Task<IResult> Get(HttpContext context, ClaimsPrincipal user, SecretStore secrets, PathAccess access,
        FederationRoutes federation, ProxyListing proxyListing)
    {
        var query = context.Request.Query;
        // One leading and one trailing '/' are forgiven ("/apps/billing/"); anything sloppier is refused.
        var prefix = query["prefix"].ToString();
        if (prefix.StartsWith('/')) prefix = prefix[1..];
        if (!SecretPath.TryValidatePrefix(prefix, out var prefixError))
            return ApiError.BadRequest(ErrorCodes.InvalidPath, "prefix: " + prefixError).ToResult();
        if (prefix.EndsWith('/')) prefix = prefix[..^1];
        if (prefix.Length > 0) prefix += "/";
        context.Audit().Path = prefix;

        var (limit, after, pagingError) = Paging.Read(query, key => SecretPath.TryValidate(key, out _));
        if (pagingError is not null) return pagingError.ToResult();

        var caller = user.ToCaller();
        // Entries the caller may not list are left out; a page can then be shorter than limit, and
        // next_cursor (taken before filtering) still moves on correctly.
        var mayList = await access.ForCallerAsync(caller, context.RequestAborted);
        if (await federation.ProxyListingForAsync(caller.TenantId, prefix, context.RequestAborted) is { } proxy)
            return await proxyListing.ListAsync(context, caller.TenantId, proxy, prefix, after, limit, mayList);

        var page = await secrets.ListAsync(caller, prefix, after, limit + 1, context.RequestAborted);
        var next = page.Count > limit ? Paging.Cursor(page[limit - 1].Id) : null;
        var items = page.Take(limit).Where(s => mayList(PolicyAction.List, s.Id)).ToList();
        var proxied = await federation.ProxiedUnderAsync(caller.TenantId, prefix, context.RequestAborted);

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
            json.WriteStartArray("proxied");
            foreach (var (backendId, pattern) in proxied)
            {
                json.WriteStartObject();
                json.WriteString("pattern", pattern);
                json.WriteString("backend_id", backendId);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("next_cursor", next);
            json.WriteEndObject();
        });
    }
}
