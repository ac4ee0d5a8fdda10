using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ScaiVault.Fakes.Azure;

/// <summary>
/// The secrets REST API (backends.md §3.1-3.4): list (absolute <c>nextLink</c>), get latest (with or without
/// trailing slash) and by version, list versions, set. Auth is checked before anything else: no or an unknown
/// bearer token answers 401 with the challenge the SDK parses. Ids are built from the request's own address.
/// </summary>
public sealed partial class FakeAzureKeyVault
{
    private const int MaxValueLength = 25 * 1024;
    private static readonly Regex NamePattern = new("^[0-9a-zA-Z-]{1,127}$", RegexOptions.CultureInvariant);

    private void MapSecrets(WebApplication app)
    {
        app.MapGet("/secrets", (Func<HttpContext, Task<IResult>>)(http => Guarded(http, () => ListSecrets(http))));
        app.MapGet("/secrets/{name}/versions", (string name, HttpContext http) => Guarded(http, () => ListVersions(http, name)));
        app.MapGet("/secrets/{name}", (string name, HttpContext http) => Guarded(http, () => Get(http, name, null)));
        app.MapGet("/secrets/{name}/{version}", (string name, string version, HttpContext http) => Guarded(http, () => Get(http, name, version)));
        app.MapPut("/secrets/{name}", (string name, HttpContext http) => Guarded(http, () => SetAsync(http, name)));
        app.MapPatch("/secrets/{name}/{version}", (string name, string version, HttpContext http) => Guarded(http, () => UpdateAsync(http, name, version)));
        app.MapDelete("/secrets/{name}", (string name, HttpContext http) => Guarded(http, () => Delete(http, name)));
    }

    /// <summary>What every vault API request goes through, in the service's order: latency, outage, auth, throttling.</summary>
    private async Task<IResult> Guarded(HttpContext http, Func<Task<IResult>> handle)
    {
        Bump("vault");
        if (Latency > TimeSpan.Zero) await Task.Delay(Latency, http.RequestAborted);
        if (Outage) return Error(503, "ServiceUnavailable", "The service is temporarily unavailable.");
        if (string.IsNullOrEmpty(http.Request.Query["api-version"]))
            return Error(400, "BadParameter", "The request is missing the api-version query parameter.");
        var authorization = http.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !_issuedTokens.ContainsKey(authorization["Bearer ".Length..]))
        {
            Bump("challenge");
            http.Response.Headers.WWWAuthenticate =
                $"Bearer authorization=\"{BaseAddress.GetLeftPart(UriPartial.Authority)}/{TenantId}\", resource=\"{VaultResource}\"";
            return Error(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.");
        }
        if (DenyAccess)
            return Error(403, "Forbidden", "Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'", "ForbiddenByRbac");
        if (Interlocked.Decrement(ref _throttleRemaining) >= 0)
        {
            Bump("throttled");
            http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Error(429, "Throttled", "Rate limit is exceeded. Try again later.");
        }
        Interlocked.CompareExchange(ref _throttleRemaining, 0, -1);
        return await handle();
    }

    private Task<IResult> ListSecrets(HttpContext http)
    {
        List<(StoredSecret Secret, StoredVersion Latest)> all;
        lock (_gate) all = [.. _secrets.Values.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Select(s => (s, s.Versions[^1]))];
        return Task.FromResult(Page(http, "secrets", all, x => Item(http, x.Secret.Name, x.Latest, withVersion: false)));
    }

    private Task<IResult> ListVersions(HttpContext http, string name)
    {
        List<StoredVersion> versions;
        lock (_gate)
        {
            if (!_secrets.TryGetValue(name, out var secret)) return Task.FromResult(NotFound(name));
            // Newest first, as the service tends to answer; clients must not rely on the order.
            versions = [.. secret.Versions.AsEnumerable().Reverse()];
            name = secret.Name;
        }
        return Task.FromResult(Page(http, $"secrets/{name}/versions", versions, v => Item(http, name, v, withVersion: true)));
    }

    private Task<IResult> Get(HttpContext http, string name, string? version)
    {
        StoredVersion? found;
        lock (_gate)
        {
            if (!_secrets.TryGetValue(name, out var secret)) return Task.FromResult(NotFound(name));
            found = version is null or "" ? secret.Versions[^1] : secret.Versions.FirstOrDefault(v => v.Id == version);
            name = secret.Name;
        }
        if (found is null) return Task.FromResult(NotFound($"{name}/{version}"));
        if (!found.Enabled) return Task.FromResult(Error(403, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled"));
        var bundle = Item(http, name, found, withVersion: true);
        bundle["value"] = found.Value;
        return Task.FromResult(Results.Json(bundle));
    }

    private async Task<IResult> SetAsync(HttpContext http, string name)
    {
        if (!NamePattern.IsMatch(name))
            return Error(400, "BadParameter", "The request URI contains an invalid name: " + name);
        lock (_gate)
            if (_deleted.ContainsKey(name))
                return Error(409, "Conflict", $"Secret {name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.", "ObjectIsDeletedButRecoverable");
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            return Error(400, "BadParameter", "The request body is not valid JSON.");
        }
        if (body?["value"] is not JsonValue valueNode || !valueNode.TryGetValue<string>(out var value))
            return Error(400, "BadParameter", "Property 'value' is required.");
        if (Encoding.UTF8.GetByteCount(value) > MaxValueLength)
            return Error(400, "BadParameter", "The secret value exceeds the maximum size of 25 KB.");
        var contentType = body["contentType"]?.GetValue<string>();
        var tags = body["tags"] is JsonObject t ? t.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "") : null;
        var attributes = body["attributes"] as JsonObject;
        var enabled = attributes?["enabled"]?.GetValue<bool>() ?? true;
        DateTimeOffset? exp = attributes?["exp"] is { } e ? DateTimeOffset.FromUnixTimeSeconds(e.GetValue<long>()) : null;
        DateTimeOffset? nbf = attributes?["nbf"] is { } n ? DateTimeOffset.FromUnixTimeSeconds(n.GetValue<long>()) : null;
        StoredVersion version;
        lock (_gate)
        {
            version = AddVersion(name, value, contentType, tags, enabled, exp, nbf, DateTimeOffset.UtcNow);
            name = _secrets[name].Name;
        }
        var bundle = Item(http, name, version, withVersion: true);
        bundle["value"] = value;
        return Results.Json(bundle);
    }

    /// <summary>PATCH: changes contentType, tags and attributes (enabled, exp, nbf) of one version; answers without value.</summary>
    private async Task<IResult> UpdateAsync(HttpContext http, string name, string version)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            return Error(400, "BadParameter", "The request body is not valid JSON.");
        }
        StoredVersion updated;
        lock (_gate)
        {
            if (!_secrets.TryGetValue(name, out var secret)) return NotFound(name);
            var index = secret.Versions.FindIndex(v => v.Id == version);
            if (index < 0) return NotFound($"{name}/{version}");
            var old = secret.Versions[index];
            var attributes = body?["attributes"] as JsonObject;
            updated = new StoredVersion
            {
                Id = old.Id,
                Value = old.Value,
                Created = old.Created,
                ContentType = body?["contentType"] is { } ct ? ct.GetValue<string>() : old.ContentType,
                Tags = body?["tags"] is JsonObject t ? t.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "") : old.Tags,
                Enabled = attributes?["enabled"]?.GetValue<bool>() ?? old.Enabled,
                Expires = attributes?["exp"] is { } e ? DateTimeOffset.FromUnixTimeSeconds(e.GetValue<long>()) : old.Expires,
                NotBefore = attributes?["nbf"] is { } n ? DateTimeOffset.FromUnixTimeSeconds(n.GetValue<long>()) : old.NotBefore,
            };
            secret.Versions[index] = updated;
            name = secret.Name;
        }
        return Results.Json(Item(http, name, updated, withVersion: true));
    }

    /// <summary>DELETE: soft-deletes every version (the vault has soft delete on); the name stays taken until purged.</summary>
    private Task<IResult> Delete(HttpContext http, string name)
    {
        StoredSecret? secret;
        lock (_gate)
        {
            if (!_secrets.Remove(name, out secret)) return Task.FromResult(NotFound(name));
            _deleted[secret.Name] = secret;
        }
        var bundle = Item(http, secret.Name, secret.Versions[^1], withVersion: true);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        bundle["recoveryId"] = $"{Origin(http)}/deletedsecrets/{secret.Name}";
        bundle["deletedDate"] = now;
        bundle["scheduledPurgeDate"] = now + 90 * 86400;
        return Task.FromResult(Results.Json(bundle));
    }

    /// <summary>One page of a list with an absolute nextLink carrying api-version, like the service.</summary>
    private IResult Page<T>(HttpContext http, string path, List<T> items, Func<T, JsonObject> render)
    {
        var skip = 0;
        var token = http.Request.Query["$skiptoken"].ToString();
        if (token.Length > 0 && (!int.TryParse(Encoding.UTF8.GetString(Convert.FromBase64String(token)), out skip) || skip < 0))
            return Error(400, "BadParameter", "The skip token is invalid.");
        var size = PageSize;
        if (int.TryParse(http.Request.Query["maxresults"], out var max))
        {
            if (max is < 1 or > 25) return Error(400, "BadParameter", "maxresults must be between 1 and 25.");
            size = max;
        }
        var page = items.Skip(skip).Take(size).Select(render).ToArray<JsonNode?>();
        string? next = null;
        if (skip + size < items.Count)
        {
            var nextToken = Convert.ToBase64String(Encoding.UTF8.GetBytes((skip + size).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            next = $"{Origin(http)}/{path}?api-version={Uri.EscapeDataString(http.Request.Query["api-version"].ToString())}"
                 + $"&$skiptoken={Uri.EscapeDataString(nextToken)}&maxresults={size}";
        }
        return Results.Json(new JsonObject { ["value"] = new JsonArray(page), ["nextLink"] = next });
    }

    private static JsonObject Item(HttpContext http, string name, StoredVersion v, bool withVersion)
    {
        var attributes = new JsonObject
        {
            ["enabled"] = v.Enabled,
            ["created"] = v.Created.ToUnixTimeSeconds(),
            ["updated"] = v.Created.ToUnixTimeSeconds(),
            ["recoveryLevel"] = "Recoverable+Purgeable",
            ["recoverableDays"] = 90,
        };
        if (v.NotBefore is { } nbf) attributes["nbf"] = nbf.ToUnixTimeSeconds();
        if (v.Expires is { } exp) attributes["exp"] = exp.ToUnixTimeSeconds();
        var item = new JsonObject
        {
            ["id"] = withVersion ? $"{Origin(http)}/secrets/{name}/{v.Id}" : $"{Origin(http)}/secrets/{name}",
            ["attributes"] = attributes,
            ["tags"] = new JsonObject(v.Tags.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        };
        if (v.ContentType is not null) item["contentType"] = v.ContentType;
        return item;
    }

    private static string Origin(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";

    private static IResult NotFound(string name) =>
        Error(404, "SecretNotFound", $"A secret with (name/id) {name} was not found in this key vault.");

    private static IResult Error(int status, string code, string message, string? inner = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (inner is not null) error["innererror"] = new JsonObject { ["code"] = inner };
        return Results.Json(new JsonObject { ["error"] = error }, statusCode: status);
    }
}
