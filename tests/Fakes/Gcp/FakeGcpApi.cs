using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ScaiVault.Fakes.Gcp;

// The REST v1 surface (reference §4.2/4.3): names with the project number, int64 as strings, empty
// fields omitted, RFC 3339 times with nanoseconds, opaque page tokens, the filter subset
// (name:, labels.k=v, labels.k:*, state:), custom verbs after ':', google.rpc.Status error bodies,
// Google's HTML 404 for URLs that match no route.
public sealed partial class FakeGcpSecretManager
{
    private static readonly Regex SecretIdPattern = new("^[A-Za-z0-9_-]{1,255}$", RegexOptions.Compiled);
    private static readonly Regex LabelKeyPattern = new(@"^\p{Ll}[\p{Ll}\p{Lo}\p{N}_-]{0,62}$", RegexOptions.Compiled);
    private static readonly Regex LabelValuePattern = new(@"^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$", RegexOptions.Compiled);

    private void MapRoutes(WebApplication app)
    {
        // Typed as Func so they bind as route handlers whose IResult is written: as RequestDelegates
        // (HttpContext → Task) the result would be dropped.
        app.MapPost("/token", (Func<HttpContext, Task<IResult>>)TokenEndpoint);
        app.MapGet("/computeMetadata/v1/instance/service-accounts/default/token", (Func<HttpContext, Task<IResult>>)MetadataTokenEndpoint);
        app.Map("/v1/{**rest}", (Func<HttpContext, Task<IResult>>)Api);
        app.MapFallback(() => HtmlNotFound());
    }

    private async Task<IResult> Api(HttpContext context)
    {
        Interlocked.Increment(ref _apiCalls);
        var request = context.Request;
        lock (_lock) _requests.Add($"{request.Method} {request.Path}{request.QueryString}");
        await DelayAsync(context);

        if (!IsAuthorized(request))
        {
            Interlocked.Increment(ref _unauthenticated);
            return Error(401, "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.");
        }
        if (Outage) return Error(503, "UNAVAILABLE", "The service is currently unavailable.");
        if (TakeThrottle())
        {
            Interlocked.Increment(ref _throttled);
            return Error(429, "RESOURCE_EXHAUSTED",
                "Quota exceeded for quota metric 'Access requests' and limit 'Access requests per minute per project'.");
        }

        // /v1/projects/{p}/secrets[/{s}[/versions[/{v}]]][:verb]
        var path = request.Path.Value!["/v1/".Length..];
        string? verb = null;
        var colon = path.LastIndexOf(':');
        if (colon > path.LastIndexOf('/')) (path, verb) = (path[..colon], path[(colon + 1)..]);
        var parts = path.Split('/');
        if (parts.Length < 3 || parts[0] != "projects" || parts[2] != "secrets" || parts.Length > 6)
            return HtmlNotFound();
        if (parts[1] != ProjectId && parts[1] != ProjectNumber)
            return Error(403, "PERMISSION_DENIED", $"Permission denied on resource project {parts[1]}.");
        if (DenyPermission)
            return Error(403, "PERMISSION_DENIED",
                $"Permission 'secretmanager.versions.access' denied for resource 'projects/{ProjectNumber}/{string.Join('/', parts[2..])}' (or it may not exist).");

        var method = request.Method;
        return (parts.Length, method, verb) switch
        {
            (3, "GET", null) => ListSecrets(request),
            (3, "POST", null) => await CreateSecret(request),
            (4, "GET", null) => GetSecret(parts[3]),
            (4, "DELETE", null) => DeleteSecret(parts[3]),
            (4, "POST", "addVersion") => await AddVersion(request, parts[3]),
            (5, "GET", null) when parts[4] == "versions" => ListVersions(request, parts[3]),
            (6, "GET", null) when parts[4] == "versions" => GetVersion(parts[3], parts[5]),
            (6, "GET", "access") when parts[4] == "versions" => AccessVersion(parts[3], parts[5]),
            (6, "POST", "enable" or "disable" or "destroy") when parts[4] == "versions" => ChangeState(parts[3], parts[5], verb!),
            _ => HtmlNotFound(),
        };
    }

    private bool TakeThrottle()
    {
        int left;
        while ((left = Volatile.Read(ref _throttleNext)) > 0)
            if (Interlocked.CompareExchange(ref _throttleNext, left - 1, left) == left) return true;
        return false;
    }

    private int _unauthenticated;
    public int UnauthenticatedCalls => Volatile.Read(ref _unauthenticated);

    // ---- secrets ----

    private IResult ListSecrets(HttpRequest request)
    {
        if (!TryPaging(request, out var offset, out var size, out var pagingError)) return pagingError!;
        if (!TryFilter(request.Query["filter"].ToString(), versions: false, out var match)) return BadFilter();
        lock (_lock)
        {
            var all = _secrets.Values.Where(s => match(s, null)).OrderByDescending(s => s.CreateTime).ToList();
            return Page("secrets", all.Skip(offset).Take(size).Select(SecretJson), all.Count, offset + size);
        }
    }

    private async Task<IResult> CreateSecret(HttpRequest request)
    {
        var id = request.Query["secretId"].ToString();
        if (!SecretIdPattern.IsMatch(id))
            return Error(400, "INVALID_ARGUMENT", "Secret ID must be 1-255 characters of letters, digits, '-' and '_'.");
        var body = await ReadJson(request);
        if (body?["replication"] is not JsonObject replication || (replication["automatic"] is null && replication["userManaged"] is null))
            return Error(400, "INVALID_ARGUMENT", "Replication policy is required.");
        var labels = new Dictionary<string, string>();
        if (body["labels"] is JsonObject labelObject)
            foreach (var (key, value) in labelObject)
            {
                var text = value?.GetValue<string>() ?? "";
                if (!LabelKeyPattern.IsMatch(key) || !LabelValuePattern.IsMatch(text))
                    return Error(400, "INVALID_ARGUMENT", $"Invalid label: {key}.");
                labels[key] = text;
            }
        lock (_lock)
        {
            if (_secrets.ContainsKey(id)) return Error(409, "ALREADY_EXISTS", $"Secret [projects/{ProjectNumber}/secrets/{id}] already exists.");
            var secret = new FakeSecret(id, NextTime(), labels);
            _secrets[id] = secret;
            return Results.Json(SecretJson(secret));
        }
    }

    private IResult GetSecret(string id)
    {
        lock (_lock)
            return _secrets.TryGetValue(id, out var secret) ? Results.Json(SecretJson(secret)) : SecretNotFound(id);
    }

    private IResult DeleteSecret(string id)
    {
        lock (_lock)
            return _secrets.Remove(id) ? Results.Json(new JsonObject()) : SecretNotFound(id);
    }

    // ---- versions ----

    private async Task<IResult> AddVersion(HttpRequest request, string id)
    {
        var body = await ReadJson(request);
        if (body?["payload"] is not JsonObject payload || payload["data"]?.GetValue<string>() is not { } data)
            return Error(400, "INVALID_ARGUMENT", "Payload is required.");
        byte[] bytes;
        try
        {
            bytes = Base64Url(data);   // standard and URL-safe both accepted, as proto3 JSON does
        }
        catch (FormatException)
        {
            return Error(400, "INVALID_ARGUMENT", "Invalid value at 'payload.data' (TYPE_BYTES).");
        }
        if (bytes.Length > 64 * 1024) return Error(400, "INVALID_ARGUMENT", "Secret payload data cannot be larger than 65536 bytes.");
        var checksum = payload["dataCrc32c"]?.GetValue<string>();
        if (checksum is not null && checksum != FakeCrc32C.Compute(bytes).ToString(CultureInfo.InvariantCulture))
            return Error(400, "INVALID_ARGUMENT", "Checksum mismatch: the data_crc32c does not match the payload.");
        lock (_lock)
        {
            if (!_secrets.TryGetValue(id, out var secret)) return SecretNotFound(id);
            return Results.Json(VersionJson(secret, AddVersion(secret, bytes, checksum is not null)));
        }
    }

    private IResult ListVersions(HttpRequest request, string id)
    {
        if (!TryPaging(request, out var offset, out var size, out var pagingError)) return pagingError!;
        if (!TryFilter(request.Query["filter"].ToString(), versions: true, out var match)) return BadFilter();
        lock (_lock)
        {
            if (!_secrets.TryGetValue(id, out var secret)) return SecretNotFound(id);
            var all = secret.Versions.Where(v => match(secret, v)).OrderByDescending(v => v.CreateTime).ToList();
            return Page("versions", all.Skip(offset).Take(size).Select(v => VersionJson(secret, v)), all.Count, offset + size);
        }
    }

    private IResult GetVersion(string id, string version)
    {
        lock (_lock)
            return Resolve(id, version, out var secret, out var v, out var notFound) ? Results.Json(VersionJson(secret!, v!)) : notFound!;
    }

    private IResult AccessVersion(string id, string version)
    {
        lock (_lock)
        {
            if (!Resolve(id, version, out var secret, out var v, out var notFound)) return notFound!;
            if (v!.State != "ENABLED")
                return Error(400, "FAILED_PRECONDITION", $"Secret Version [{VersionName(secret!, v)}] is in {v.State} state.");
            var crc = FakeCrc32C.Compute(v.Data);
            if (CorruptChecksums) crc ^= 0x5A5A5A5A;
            return Results.Json(new JsonObject
            {
                ["name"] = VersionName(secret!, v),
                ["payload"] = new JsonObject
                {
                    ["data"] = Convert.ToBase64String(v.Data),
                    ["dataCrc32c"] = crc.ToString(CultureInfo.InvariantCulture),
                },
            });
        }
    }

    private IResult ChangeState(string id, string version, string verb)
    {
        lock (_lock)
        {
            if (!Resolve(id, version, out var secret, out var v, out var notFound)) return notFound!;
            if (v!.State == "DESTROYED")
                return Error(400, "FAILED_PRECONDITION", $"Secret Version [{VersionName(secret!, v)}] is in DESTROYED state.");
            v.State = verb switch { "enable" => "ENABLED", "disable" => "DISABLED", _ => "DESTROYED" };
            if (verb == "destroy")
            {
                v.Data = [];
                v.DestroyTime = NextTime();
            }
            return Results.Json(VersionJson(secret!, v));
        }
    }

    /// <summary>A version by number or <c>latest</c> (the newest, whatever its state).</summary>
    private bool Resolve(string id, string version, out FakeSecret? secret, out FakeVersion? found, out IResult? notFound)
    {
        found = null;
        notFound = null;
        if (!_secrets.TryGetValue(id, out secret))
        {
            notFound = SecretNotFound(id);
            return false;
        }
        if (version == "latest") found = secret.Versions.LastOrDefault();
        else if (int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= secret.Versions.Count)
            found = secret.Versions[n - 1];
        else if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            notFound = Error(400, "INVALID_ARGUMENT", $"Invalid resource field value in the request: version '{version}'.");
            return false;
        }
        if (found is null)
        {
            notFound = version == "latest"
                ? Error(404, "NOT_FOUND", $"Secret [projects/{ProjectNumber}/secrets/{id}] not found or has no versions.")
                : Error(404, "NOT_FOUND", $"Secret Version [projects/{ProjectNumber}/secrets/{id}/versions/{version}] not found.");
            return false;
        }
        return true;
    }

    // ---- JSON shapes ----

    private static JsonObject SecretJson(FakeSecret secret)
    {
        var json = new JsonObject
        {
            ["name"] = $"projects/{ProjectNumber}/secrets/{secret.Id}",
            ["replication"] = new JsonObject { ["automatic"] = new JsonObject() },
            ["createTime"] = Rfc3339(secret.CreateTime),
            ["etag"] = $"\"{secret.CreateTime.Ticks:x}\"",
        };
        if (secret.Labels.Count > 0)
            json["labels"] = new JsonObject(secret.Labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value)));
        return json;
    }

    private static JsonObject VersionJson(FakeSecret secret, FakeVersion version)
    {
        var json = new JsonObject
        {
            ["name"] = VersionName(secret, version),
            ["createTime"] = Rfc3339(version.CreateTime),
            ["state"] = version.State,
            ["replicationStatus"] = new JsonObject { ["automatic"] = new JsonObject() },
            ["etag"] = $"\"{version.CreateTime.Ticks:x}\"",
        };
        if (version.DestroyTime is { } destroyed) json["destroyTime"] = Rfc3339(destroyed);
        if (version.ClientChecksum) json["clientSpecifiedPayloadChecksum"] = true;
        return json;
    }

    private static string VersionName(FakeSecret secret, FakeVersion version) =>
        $"projects/{ProjectNumber}/secrets/{secret.Id}/versions/{version.Number}";

    /// <summary>RFC 3339 UTC with nanoseconds, as GCP's proto3 JSON writes timestamps.</summary>
    private static string Rfc3339(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "00Z";

    private static IResult Page(string field, IEnumerable<JsonObject> items, int total, int nextOffset)
    {
        var list = items.ToList();
        var json = new JsonObject();   // an empty list is {} (empty fields are omitted)
        if (list.Count > 0) json[field] = new JsonArray([.. list]);
        if (nextOffset < total) json["nextPageToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"offset:{nextOffset}"));
        if (total > 0) json["totalSize"] = total;
        return Results.Json(json);
    }

    private bool TryPaging(HttpRequest request, out int offset, out int size, out IResult? error)
    {
        offset = 0;
        size = DefaultPageSize;
        error = null;
        var pageSize = request.Query["pageSize"].ToString();
        if (pageSize.Length > 0)
        {
            if (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out var asked))
            {
                error = Error(400, "INVALID_ARGUMENT", "Invalid value at 'page_size' (TYPE_INT32).");
                return false;
            }
            if (asked > 0) size = Math.Min(asked, 25000);
        }
        var token = request.Query["pageToken"].ToString();
        if (token.Length == 0) return true;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (decoded.StartsWith("offset:", StringComparison.Ordinal)
                && int.TryParse(decoded["offset:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out offset))
                return true;
        }
        catch (FormatException)
        {
        }
        error = Error(400, "INVALID_ARGUMENT", "Invalid page token.");
        return false;
    }

    /// <summary>The filter subset of reference §4.2: one term of name:, labels.k=v, labels.k:*, state:.</summary>
    private static bool TryFilter(string filter, bool versions, out Func<FakeSecret, FakeVersion?, bool> match)
    {
        match = (_, _) => true;
        if (filter.Length == 0) return true;
        if (!versions && filter.StartsWith("name:", StringComparison.Ordinal))
        {
            var part = filter["name:".Length..].Trim('"');
            match = (s, _) => s.Id.Contains(part, StringComparison.Ordinal);
            return true;
        }
        var labelHas = Regex.Match(filter, @"^labels\.([^=:]+):\*$");
        if (!versions && labelHas.Success)
        {
            match = (s, _) => s.Labels.ContainsKey(labelHas.Groups[1].Value);
            return true;
        }
        var labelIs = Regex.Match(filter, @"^labels\.([^=:]+)=(.*)$");
        if (!versions && labelIs.Success)
        {
            match = (s, _) => s.Labels.TryGetValue(labelIs.Groups[1].Value, out var v) && v == labelIs.Groups[2].Value;
            return true;
        }
        if (versions && filter.StartsWith("state:", StringComparison.Ordinal))
        {
            var state = filter["state:".Length..];
            match = (_, v) => v!.State == state;
            return true;
        }
        return false;
    }

    private static async Task<JsonNode?> ReadJson(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult BadFilter() => Error(400, "INVALID_ARGUMENT", "Invalid filter: only name:, labels.k=v, labels.k:* and state: are supported.");

    private static IResult SecretNotFound(string id) =>
        Error(404, "NOT_FOUND", $"Secret [projects/{ProjectNumber}/secrets/{id}] not found.");

    private static IResult Error(int code, string status, string message) =>
        Results.Json(new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status },
        }, statusCode: code);

    private static IResult HtmlNotFound() =>
        Results.Text("<!DOCTYPE html><html lang=en><title>Error 404 (Not Found)!!1</title><p><b>404.</b> That’s an error.</html>",
            "text/html; charset=UTF-8", statusCode: 404);
}
