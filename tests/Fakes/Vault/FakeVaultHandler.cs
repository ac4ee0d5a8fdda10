using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ScaiVault.Fakes.Vault;

/// <summary>
/// Answers every <c>/v1/...</c> request the way Vault does. Vault routes by path prefix against its
/// mount table, not by fixed routes, so this is one terminal middleware that classifies the path.
/// </summary>
internal sealed class FakeVaultHandler(FakeVault vault)
{
    private sealed record Reply(int Status, JsonNode? Body, Dictionary<string, string>? Headers = null);

    public async Task HandleAsync(HttpContext ctx)
    {
        var request = ctx.Request;
        if (!request.Path.StartsWithSegments("/v1", out var remaining))
        {
            await WriteAsync(ctx, Error(404));
            return;
        }
        var path = (remaining.Value ?? "").TrimStart('/');
        var method = request.Method.ToUpperInvariant() switch
        {
            "PUT" => "POST",
            "GET" when IsTrue(request.Query["list"]) => "LIST",
            var m => m,
        };
        var nsName = request.Headers["X-Vault-Namespace"].ToString().Trim('/');
        var ns = vault.Namespace(nsName);
        var token = request.Headers["X-Vault-Token"].ToString();
        if (token.Length == 0 && request.Headers.Authorization.ToString() is { } bearer && bearer.StartsWith("Bearer ", StringComparison.Ordinal))
            token = bearer["Bearer ".Length..].Trim();

        var route = RouteOf(method, path, ns);
        vault.Record(new FakeVaultRequest(method, path, nsName, token.Length > 0, route));

        if (vault.Latency > TimeSpan.Zero)
        {
            try { await Task.Delay(vault.Latency, ctx.RequestAborted); }
            catch (OperationCanceledException) { return; }
        }

        switch (vault.TakeFault())
        {
            case VaultFault.Sealed: await WriteAsync(ctx, Error(503, "Vault is sealed")); return;
            case VaultFault.InternalError: await WriteAsync(ctx, Error(500, "internal error")); return;
            case VaultFault.DropConnection: ctx.Abort(); return;
            case VaultFault.RateLimited:
                await WriteAsync(ctx, new Reply(429, Errors($"request path \"{path}\": rate limit quota exceeded"), new()
                {
                    ["Retry-After"] = vault.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture),
                    ["X-RateLimit-Limit"] = "100",
                    ["X-RateLimit-Remaining"] = "0",
                    ["X-RateLimit-Reset"] = vault.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture),
                }));
                return;
        }

        JsonNode? body = null;
        if (method is "POST" or "PATCH" && request.ContentLength != 0)
        {
            try
            {
                using var reader = new StreamReader(request.Body);
                var text = await reader.ReadToEndAsync(ctx.RequestAborted);
                body = text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                await WriteAsync(ctx, Error(400, "failed to parse JSON input"));
                return;
            }
        }
        await WriteAsync(ctx, Dispatch(method, path, ns, token, body, request.Query));
    }

    private static string RouteOf(string method, string path, FakeVaultNamespace ns)
    {
        if (path.StartsWith("sys/internal/ui/mounts", StringComparison.Ordinal)) return $"{method} sys/internal/ui/mounts";
        if (path.StartsWith("auth/", StringComparison.Ordinal) || path.StartsWith("sys/", StringComparison.Ordinal)) return $"{method} {path}";
        return ns.FindMount(path, out var mountPath, out var rest) switch
        {
            FakeKvV2Mount => $"{method} {mountPath}/{rest.Split('/')[0]}",
            FakeKvV1Mount => $"{method} {mountPath}",
            _ => $"{method} (no route)",
        };
    }

    private Reply Dispatch(string method, string path, FakeVaultNamespace ns, string tokenId, JsonNode? body, IQueryCollection query)
    {
        if (path == "sys/health")
            return new Reply(200, new JsonObject
            {
                ["initialized"] = true, ["sealed"] = false, ["standby"] = false, ["version"] = "1.17.0-fake",
                ["cluster_name"] = "fake-vault", ["server_time_utc"] = vault.Clock.GetUtcNow().ToUnixTimeSeconds(),
            });

        if (path.StartsWith("auth/", StringComparison.Ordinal) && path.EndsWith("/login", StringComparison.Ordinal) && method == "POST")
            return Login(path["auth/".Length..^"/login".Length], ns, body);

        var now = vault.Clock.GetUtcNow();
        var token = tokenId.Length > 0 ? ns.Token(tokenId) : null;
        if (token is null || !token.IsValidAt(now)) return Error(403, "permission denied");

        if (path == "auth/token/lookup-self" && method == "GET") return LookupSelf(token, now);
        if (path == "auth/token/renew-self" && method == "POST") return RenewSelf(token, body, now);

        if (path.StartsWith("sys/internal/ui/mounts/", StringComparison.Ordinal) && method == "GET")
        {
            var mount = ns.FindMount(path["sys/internal/ui/mounts/".Length..], out var mountPath, out _);
            if (mount is null) return Error(404);
            return Ok(new JsonObject
            {
                ["path"] = mountPath + "/", ["type"] = "kv", ["description"] = "", ["accessor"] = "kv_" + mountPath.GetHashCode().ToString("x8", CultureInfo.InvariantCulture),
                ["local"] = false, ["seal_wrap"] = false, ["external_entropy_access"] = false, ["config"] = new JsonObject(),
                ["options"] = mount is FakeKvV2Mount ? new JsonObject { ["version"] = "2" } : null,
            });
        }

        var capability = method switch { "GET" => "read", "LIST" => "list", "DELETE" => "delete", _ => "write" };
        if (!ns.Allows(token, path.TrimEnd('/'), capability) && !ns.Allows(token, path, capability))
            return Error(403, "1 error occurred:\n\t* permission denied\n\n");

        return ns.FindMount(path, out _, out var rest) switch
        {
            FakeKvV2Mount v2 => KvV2(v2, method, rest, body, query),
            FakeKvV1Mount v1 => KvV1(v1, method, rest, body),
            _ => Error(404, $"no handler for route \"{path}\". route entry not found."),
        };
    }

    // ---------- KV v2 ----------

    private static Reply KvV2(FakeKvV2Mount mount, string method, string rest, JsonNode? body, IQueryCollection query)
    {
        var slash = rest.IndexOf('/');
        var op = slash < 0 ? rest : rest[..slash];
        var key = slash < 0 ? "" : rest[(slash + 1)..];
        var now = mount.Clock.GetUtcNow();
        lock (mount.Lock)
        {
            return (op, method) switch
            {
                ("data", "GET") => ReadVersion(mount, key, int.TryParse(query["version"], out var v) ? v : 0, now),
                ("data", "POST") => WriteVersion(mount, key, body),
                ("data", "DELETE") => SoftDeleteLatest(mount, key),
                ("metadata", "LIST") => ListReply(mount.List(key)),
                ("metadata", "GET") => mount.WithSecret(key, s => s is null ? Error(404) : Ok(Metadata(s))),
                ("metadata", "POST") => WriteMetadata(mount, key, body),
                ("metadata", "DELETE") => Done(() => mount.DeleteAll(key)),
                ("delete" or "undelete" or "destroy", "POST") => ChangeVersions(mount, op, key, body),
                _ => Error(405, "unsupported operation"),
            };
        }
    }

    private static Reply ReadVersion(FakeKvV2Mount mount, string key, int version, DateTimeOffset now) => mount.WithSecret(key, secret =>
    {
        if (secret is null) return Error(404);
        var number = version == 0 ? secret.CurrentVersion : version;
        if (!secret.Versions.TryGetValue(number, out var v)) return Error(404);
        var meta = VersionMetadata(secret, number, v);
        var hidden = v.Destroyed || v.DeletionTime is { } d && d <= now;
        return new Reply(hidden ? 404 : 200, Envelope(new JsonObject
        {
            ["data"] = hidden ? null : JsonNode.Parse(v.Data!),
            ["metadata"] = meta,
        }));
    });

    private static Reply WriteVersion(FakeKvV2Mount mount, string key, JsonNode? body)
    {
        if (body?["data"] is not JsonObject data) return Error(400, "no data provided");
        var existing = mount.WithSecret(key, s => s);
        var cas = body["options"]?["cas"]?.GetValue<int>();
        if (cas is null && (mount.CasRequired || existing?.CasRequired == true)) return Error(400, "check-and-set parameter required for this call");
        if (cas is { } expected && expected != (existing?.CurrentVersion ?? 0)) return Error(400, "check-and-set parameter did not match the current version");
        var secret = mount.Write(key, data.ToJsonString());
        return Ok(VersionMetadata(secret, secret.CurrentVersion, secret.Versions[secret.CurrentVersion]));
    }

    private static Reply SoftDeleteLatest(FakeKvV2Mount mount, string key)
    {
        if (mount.WithSecret(key, s => s) is null) return new Reply(204, null);
        mount.Delete(key);
        return new Reply(204, null);
    }

    private static Reply WriteMetadata(FakeKvV2Mount mount, string key, JsonNode? body) => mount.WithSecret(key, secret =>
    {
        secret ??= mount.Write(key, "{}");
        if (body?["max_versions"] is { } max) secret.MaxVersions = max.GetValue<int>();
        if (body?["cas_required"] is { } casRequired) secret.CasRequired = casRequired.GetValue<bool>();
        if (body?["custom_metadata"] is JsonObject custom)
            secret.CustomMetadata = custom.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "");
        return new Reply(204, null);
    });

    private static Reply ChangeVersions(FakeKvV2Mount mount, string op, string key, JsonNode? body)
    {
        if (body?["versions"] is not JsonArray { Count: > 0 } list) return Error(400, "no version number provided");
        var versions = list.Select(n => n!.GetValue<int>()).ToArray();
        if (mount.WithSecret(key, s => s) is null) return new Reply(204, null);
        switch (op)
        {
            case "delete": mount.Delete(key, versions); break;
            case "undelete": mount.Undelete(key, versions); break;
            default: mount.Destroy(key, versions); break;
        }
        return new Reply(204, null);
    }

    private static JsonObject Metadata(FakeKvV2Secret s)
    {
        var versions = new JsonObject();
        foreach (var (n, v) in s.Versions)
            versions[n.ToString(CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["created_time"] = Time(v.CreatedTime), ["deletion_time"] = v.DeletionTime is { } d ? Time(d) : "", ["destroyed"] = v.Destroyed,
            };
        return new JsonObject
        {
            ["cas_required"] = s.CasRequired,
            ["created_time"] = Time(s.CreatedTime),
            ["current_version"] = s.CurrentVersion,
            ["custom_metadata"] = Custom(s),
            ["delete_version_after"] = "0s",
            ["max_versions"] = s.MaxVersions,
            ["oldest_version"] = s.Versions.Count == 0 ? 0 : s.Versions.Keys.First(),
            ["updated_time"] = Time(s.UpdatedTime),
            ["versions"] = versions,
        };
    }

    private static JsonObject VersionMetadata(FakeKvV2Secret s, int number, FakeKvV2Version v) => new()
    {
        ["created_time"] = Time(v.CreatedTime),
        ["custom_metadata"] = Custom(s),
        ["deletion_time"] = v.DeletionTime is { } d ? Time(d) : "",
        ["destroyed"] = v.Destroyed,
        ["version"] = number,
    };

    private static JsonObject? Custom(FakeKvV2Secret s)
    {
        if (s.CustomMetadata is null) return null;
        var o = new JsonObject();
        foreach (var (k, v) in s.CustomMetadata) o[k] = v;
        return o;
    }

    // ---------- KV v1 ----------

    private static Reply KvV1(FakeKvV1Mount mount, string method, string key, JsonNode? body) => method switch
    {
        "GET" => mount.Get(key) is { } json
            ? new Reply(200, Envelope(JsonNode.Parse(json), leaseDuration: 2764800))
            : Error(404),
        "LIST" => ListReply(mount.List(key)),
        "POST" when body is JsonObject o => Done(() => mount.PutJson(key, o.ToJsonString())),
        "POST" => Error(400, "no data provided"),
        "DELETE" => Done(() => mount.Delete(key)),
        _ => Error(405, "unsupported operation"),
    };

    // ---------- auth ----------

    private Reply Login(string mount, FakeVaultNamespace ns, JsonNode? body)
    {
        if (ns.AppRoles.Values.Any(r => r.Mount == mount))
        {
            var roleId = body?["role_id"]?.GetValue<string>();
            var secretId = body?["secret_id"]?.GetValue<string>();
            if (string.IsNullOrEmpty(roleId)) return Error(400, "missing role_id");
            if (string.IsNullOrEmpty(secretId)) return Error(400, "missing secret_id");
            if (!ns.AppRoles.TryGetValue(roleId, out var role) || role.Mount != mount || role.SecretId != secretId)
                return Error(400, "invalid role or secret ID");
            var token = ns.MintToken(role.Policies, role.Ttl, role.MaxTtl, role.Renewable, $"auth/{mount}/login");
            return Ok(null, Auth(token, new JsonObject { ["role_name"] = role.Name }));
        }
        if (ns.KubernetesRoles.Values.Any(r => r.Mount == mount))
        {
            var roleName = body?["role"]?.GetValue<string>();
            var jwt = body?["jwt"]?.GetValue<string>();
            if (string.IsNullOrEmpty(roleName)) return Error(400, "missing role");
            if (string.IsNullOrEmpty(jwt)) return Error(400, "missing jwt");
            if (!ns.KubernetesRoles.TryGetValue($"{mount}:{roleName}", out var role)) return Error(400, $"invalid role name \"{roleName}\"");
            if (role.Jwt != jwt) return Error(403, "permission denied");
            var token = ns.MintToken(role.Policies, role.Ttl, role.MaxTtl, true, $"auth/{mount}/login");
            return Ok(null, Auth(token, new JsonObject { ["role"] = role.Name, ["service_account_name"] = "scaivault" }));
        }
        return Error(404, $"no handler for route \"auth/{mount}/login\". route entry not found.");
    }

    private static Reply LookupSelf(FakeToken t, DateTimeOffset now) => Ok(new JsonObject
    {
        ["accessor"] = t.Accessor,
        ["creation_time"] = t.IssuedAt.ToUnixTimeSeconds(),
        ["creation_ttl"] = (long)(t.Ttl?.TotalSeconds ?? 0),
        ["display_name"] = "fake",
        ["entity_id"] = "",
        ["expire_time"] = t.ExpiresAt is { } e ? Time(e) : null,
        ["explicit_max_ttl"] = 0,
        ["id"] = t.Id,
        ["issue_time"] = Time(t.IssuedAt),
        ["meta"] = null,
        ["num_uses"] = 0,
        ["orphan"] = true,
        ["path"] = t.Path,
        ["policies"] = new JsonArray([.. t.Policies.Select(p => (JsonNode?)p)]),
        ["renewable"] = t.Renewable,
        ["ttl"] = t.ExpiresAt is { } x ? (long)Math.Max(0, (x - now).TotalSeconds) : 0,
        ["type"] = "service",
    });

    private static Reply RenewSelf(FakeToken t, JsonNode? body, DateTimeOffset now)
    {
        if (!t.Renewable || t.Ttl is null) return Error(400, "lease is not renewable");
        var increment = ParseDuration(body?["increment"]) ?? t.Ttl.Value;
        var wanted = now + increment;
        string? warning = null;
        if (t.MaxExpiresAt is { } max && wanted > max)
        {
            wanted = max;
            warning = "TTL of the renewal exceeded the effective max_ttl; TTL value is capped accordingly";
        }
        t.ExpiresAt = wanted;
        t.Renewals++;
        var reply = Envelope(null, Auth(t, null, (long)(wanted - now).TotalSeconds));
        if (warning is not null) reply["warnings"] = new JsonArray(warning);
        return new Reply(200, reply);
    }

    private static JsonObject Auth(FakeToken t, JsonObject? metadata, long? leaseSeconds = null) => new()
    {
        ["client_token"] = t.Id,
        ["accessor"] = t.Accessor,
        ["policies"] = new JsonArray([.. t.Policies.Select(p => (JsonNode?)p)]),
        ["token_policies"] = new JsonArray([.. t.Policies.Select(p => (JsonNode?)p)]),
        ["metadata"] = metadata,
        ["lease_duration"] = leaseSeconds ?? (long)(t.Ttl?.TotalSeconds ?? 0),
        ["renewable"] = t.Renewable,
        ["entity_id"] = Guid.NewGuid().ToString(),
        ["token_type"] = "service",
        ["orphan"] = true,
        ["mfa_requirement"] = null,
        ["num_uses"] = 0,
    };

    private static TimeSpan? ParseDuration(JsonNode? node)
    {
        if (node is null) return null;
        if (node.GetValueKind() == JsonValueKind.Number) return TimeSpan.FromSeconds(node.GetValue<long>());
        var text = node.GetValue<string>();
        if (long.TryParse(text, out var seconds)) return TimeSpan.FromSeconds(seconds);
        var n = long.Parse(text[..^1], CultureInfo.InvariantCulture);
        return text[^1] switch { 's' => TimeSpan.FromSeconds(n), 'm' => TimeSpan.FromMinutes(n), 'h' => TimeSpan.FromHours(n), _ => null };
    }

    // ---------- wire helpers ----------

    private static Reply ListReply(List<string> keys) =>
        keys.Count == 0 ? Error(404) : Ok(new JsonObject { ["keys"] = new JsonArray([.. keys.Select(k => (JsonNode?)k)]) });

    private static Reply Done(Action action)
    {
        action();
        return new Reply(204, null);
    }

    private static Reply Done(Func<bool> action)
    {
        action();
        return new Reply(204, null);
    }

    private static Reply Ok(JsonNode? data, JsonObject? auth = null) => new(200, Envelope(data, auth));

    private static JsonObject Envelope(JsonNode? data, JsonObject? auth = null, long leaseDuration = 0) => new()
    {
        ["request_id"] = Guid.NewGuid().ToString(),
        ["lease_id"] = "",
        ["renewable"] = false,
        ["lease_duration"] = leaseDuration,
        ["data"] = data,
        ["wrap_info"] = null,
        ["warnings"] = null,
        ["auth"] = auth,
        ["mount_type"] = auth is null ? "kv" : "",
    };

    private static Reply Error(int status, params string[] errors) => new(status, Errors(errors));

    private static JsonObject Errors(params string[] errors) =>
        new() { ["errors"] = new JsonArray([.. errors.Select(e => (JsonNode?)e)]) };

    /// <summary>RFC 3339 UTC with the fraction's trailing zeros dropped, as Vault writes times.</summary>
    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static bool IsTrue(string? value) => value is "true" or "1" or "True";

    private static async Task WriteAsync(HttpContext ctx, Reply reply)
    {
        ctx.Response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers ?? []) ctx.Response.Headers[name] = value;
        if (reply.Body is null) return;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(reply.Body.ToJsonString(), ctx.RequestAborted);
    }
}
