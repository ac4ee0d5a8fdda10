using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ScaiVault.Fakes.Aws;

/// <summary>
/// AWS Secrets Manager (JSON 1.1) and STS AssumeRole (Query/XML) on one loopback port, as
/// /work/shared/reference/backends.md section 2 describes the wire: every call is <c>POST /</c>, SigV4 is
/// verified, errors are HTTP 400 with <c>__type</c>. Tests seed data from C#, read per-operation call
/// counts, and switch on throttling, outages, latency and denials.
/// </summary>
public sealed partial class FakeSecretsManager : IAsyncDisposable
{
    public const string Region = "us-east-1";
    public const string Account = "123456789012";
    public const string AccessKeyId = "AKIAFAKEASMTEST00001";
    public const string SecretAccessKey = "fakeSecretKey/ForTheFakeAsm+0000000000000";
    private static readonly TimeSpan DateWindow = TimeSpan.FromMinutes(15);

    private readonly object _lock = new();
    private readonly List<FakeAsmSecret> _secrets = [];
    private readonly Dictionary<string, FakeAsmSecret> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _keys = new() { [AccessKeyId] = SecretAccessKey };
    private readonly ConcurrentDictionary<string, (string Secret, string Token, DateTimeOffset Expires)> _sessions = new();
    private readonly ConcurrentDictionary<string, TimeSpan> _roles = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly TimeProvider _time;
    private FakeServerHost? _host;
    private int _throttleNext;
    private DateTimeOffset _lastStamp;

    private FakeSecretsManager(TimeProvider time) => _time = time;

    /// <summary>Starts the fake; <paramref name="time"/> is its clock for request-date checks and session expiry.</summary>
    public static async Task<FakeSecretsManager> StartAsync(TimeProvider? time = null)
    {
        var fake = new FakeSecretsManager(time ?? TimeProvider.System);
        fake._host = await FakeServerHost.StartAsync(app => app.MapPost("/", fake.HandleAsync));
        return fake;
    }

    public Uri Endpoint => _host!.BaseAddress;

    /// <summary>Answer the next N Secrets Manager calls with <c>ThrottlingException</c>, then recover.</summary>
    public void ThrottleNext(int calls) => Interlocked.Exchange(ref _throttleNext, calls);

    /// <summary>While set, every call answers 503 <c>ServiceUnavailable</c>.</summary>
    public bool Outage { get; set; }

    /// <summary>Delay before each answer.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Operations the caller's IAM policy does not allow (answered with <c>AccessDeniedException</c>).</summary>
    public ConcurrentDictionary<string, bool> DeniedOperations { get; } = new();

    public int Calls(string operation) => _calls.GetValueOrDefault(operation);

    public int TotalCalls => _calls.Values.Sum();

    public void ResetCalls() => _calls.Clear();

    public void AddKey(string accessKeyId, string secretAccessKey) => _keys[accessKeyId] = secretAccessKey;

    /// <summary>Lets AssumeRole issue session credentials for this role, valid for the given time (default 1 h).</summary>
    public void AllowRole(string roleArn, TimeSpan? sessionLifetime = null) => _roles[roleArn] = sessionLifetime ?? TimeSpan.FromHours(1);

    /// <summary>Adds a secret directly (no HTTP), with a first AWSCURRENT version when a value is given.</summary>
    public FakeAsmSecret Seed(string name, string? secretString = null, byte[]? secretBinary = null,
        IReadOnlyDictionary<string, string>? tags = null, string? description = null)
    {
        lock (_lock)
        {
            var secret = NewSecret(name, description, tags);
            if (secretString is not null || secretBinary is not null)
                PutVersion(secret, Guid.NewGuid().ToString(), secretString, secretBinary, null);
            return secret;
        }
    }

    /// <summary>Adds a version as PutSecretValue would (AWSCURRENT moves, the old one becomes AWSPREVIOUS).</summary>
    public string PutValue(string name, string? secretString = null, byte[]? secretBinary = null)
    {
        lock (_lock)
        {
            var id = Guid.NewGuid().ToString();
            PutVersion(_byName[name], id, secretString, secretBinary, null);
            return id;
        }
    }

    public void SetTags(string name, IReadOnlyDictionary<string, string> tags)
    {
        lock (_lock)
        {
            var secret = _byName[name];
            secret.Tags = new Dictionary<string, string>(tags);
            secret.LastChanged = Now();
        }
    }

    public FakeAsmSecret? Find(string name)
    {
        lock (_lock) return _byName.GetValueOrDefault(name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = buffer.ToArray();
        if (Latency > TimeSpan.Zero) await Task.Delay(Latency, http.RequestAborted);

        var target = http.Request.Headers["X-Amz-Target"].ToString();
        if (target.Length == 0 && http.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) == true)
        {
            await StsAsync(http, body);
            return;
        }

        var op = target.StartsWith("secretsmanager.", StringComparison.Ordinal) ? target["secretsmanager.".Length..] : target;
        _calls.AddOrUpdate(op, 1, (_, n) => n + 1);
        if (Outage) { await ErrorAsync(http, 503, "ServiceUnavailable", "Service is unavailable."); return; }
        if (http.Request.ContentType != "application/x-amz-json-1.1")
        {
            await ErrorAsync(http, 400, "SerializationException", "Expected Content-Type application/x-amz-json-1.1.");
            return;
        }
        if (Authenticate(http, body, "secretsmanager") is { } authError) { await ErrorAsync(http, authError.Status, authError.Code, authError.Message); return; }
        if (TakeThrottle()) { await ErrorAsync(http, 400, "ThrottlingException", "Rate exceeded"); return; }
        if (DeniedOperations.ContainsKey(op))
        {
            await ErrorAsync(http, 400, "AccessDeniedException",
                $"User: arn:aws:iam::{Account}:user/scaivault is not authorized to perform: secretsmanager:{op} because no identity-based policy allows the secretsmanager:{op} action");
            return;
        }

        JsonElement input;
        try
        {
            using var doc = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
            input = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            await ErrorAsync(http, 400, "SerializationException", "The request body is not JSON.");
            return;
        }

        try
        {
            JsonObject answer;
            lock (_lock)
            {
                answer = op switch
                {
                    "ListSecrets" => ListSecrets(input),
                    "GetSecretValue" => GetSecretValue(input),
                    "BatchGetSecretValue" => BatchGetSecretValue(input),
                    "DescribeSecret" => DescribeSecret(input),
                    "ListSecretVersionIds" => ListSecretVersionIds(input),
                    "PutSecretValue" => PutSecretValue(input),
                    "CreateSecret" => CreateSecret(input),
                    _ => throw new AsmError("UnknownOperationException", ""),
                };
            }
            http.Response.StatusCode = 200;
            http.Response.ContentType = "application/x-amz-json-1.1";
            http.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            await http.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(answer), http.RequestAborted);
        }
        catch (AsmError e)
        {
            await ErrorAsync(http, 400, e.Code, e.Message);
        }
    }

    private sealed class AsmError(string code, string message) : Exception(message)
    {
        public string Code { get; } = code;
    }

    private sealed record AuthError(int Status, string Code, string Message);

    private AuthError? Authenticate(HttpContext http, byte[] body, string service)
    {
        var request = http.Request;
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0) return new(400, "MissingAuthenticationTokenException", "Missing Authentication Token");
        var auth = FakeSigV4Verifier.Parse(header);
        if (auth is null) return new(400, "IncompleteSignature", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'.");
        if (!auth.SignedHeaders.Contains("host") || !auth.SignedHeaders.Contains("x-amz-date"))
            return new(400, "IncompleteSignature", "'host' and 'x-amz-date' must be signed.");
        if (auth.Region != Region || auth.Service != service)
            return new(400, "InvalidSignatureException", $"Credential should be scoped to a valid region and service '{service}'.");
        var when = FakeSigV4Verifier.RequestTime(request);
        if (when is null || when.Value.ToString("yyyyMMdd", CultureInfo.InvariantCulture) != auth.Date)
            return new(400, "InvalidSignatureException", "X-Amz-Date is missing or does not match the credential scope.");
        if ((when.Value - Clock()).Duration() > DateWindow)
            return new(400, "InvalidSignatureException", "Signature expired: the request time is more than 15 minutes from the server's time.");

        string secret;
        var token = request.Headers["X-Amz-Security-Token"].ToString();
        if (_keys.TryGetValue(auth.AccessKeyId, out var staticSecret))
        {
            secret = staticSecret;
        }
        else if (_sessions.TryGetValue(auth.AccessKeyId, out var session))
        {
            if (token.Length == 0 || token != session.Token)
                return new(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
            if (!auth.SignedHeaders.Contains("x-amz-security-token"))
                return new(400, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided.");
            if (Clock() >= session.Expires)
                return new(400, "ExpiredTokenException", "The security token included in the request is expired");
            secret = session.Secret;
        }
        else
        {
            return new(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        return FakeSigV4Verifier.Matches(request, body, auth, secret)
            ? null
            : new(400, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
    }

    private JsonObject ListSecrets(JsonElement input)
    {
        var max = Int(input, "MaxResults") ?? 100;
        if (max is < 1 or > 100) throw new AsmError("InvalidParameterException", "MaxResults must be between 1 and 100.");
        var matching = _secrets.Where(s => !s.Deleted && MatchesFilters(s, input)).ToList();
        var (page, next) = Page(matching, input, max);
        var answer = new JsonObject { ["SecretList"] = new JsonArray([.. page.Select(s => (JsonNode)Entry(s, "SecretVersionsToStages"))]) };
        if (next is not null) answer["NextToken"] = next;
        return answer;
    }

    private static bool MatchesFilters(FakeAsmSecret s, JsonElement input)
    {
        if (!input.TryGetProperty("Filters", out var filters)) return true;
        foreach (var filter in filters.EnumerateArray())
        {
            var key = filter.GetProperty("Key").GetString();
            var values = filter.GetProperty("Values").EnumerateArray().Select(v => v.GetString()!).ToList();
            bool One(string v)
            {
                var negate = v.StartsWith('!');
                var text = negate ? v[1..] : v;
                var hit = key switch
                {
                    "name" => s.Name.StartsWith(text, StringComparison.Ordinal),
                    "description" => (s.Description ?? "").StartsWith(text, StringComparison.OrdinalIgnoreCase),
                    "tag-key" => s.Tags.Keys.Any(k => k.StartsWith(text, StringComparison.Ordinal)),
                    "tag-value" => s.Tags.Values.Any(x => x.StartsWith(text, StringComparison.Ordinal)),
                    "all" => s.Name.Contains(text, StringComparison.OrdinalIgnoreCase) || (s.Description ?? "").Contains(text, StringComparison.OrdinalIgnoreCase),
                    _ => throw new AsmError("InvalidParameterException", $"Unsupported filter key {key}."),
                };
                return negate ? !hit : hit;
            }
            if (!values.Any(One)) return false;
        }
        return true;
    }

    private static (List<T> Page, string? Next) Page<T>(List<T> all, JsonElement input, int max)
    {
        var offset = 0;
        if (input.TryGetProperty("NextToken", out var token))
        {
            var raw = token.GetString() ?? "";
            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(raw));
                if (!text.StartsWith("fake-asm:", StringComparison.Ordinal) || !int.TryParse(text[9..], out offset) || offset < 0 || offset > all.Count)
                    throw new FormatException();
            }
            catch (FormatException)
            {
                throw new AsmError("InvalidNextTokenException", "The NextToken value is invalid.");
            }
        }
        var page = all.Skip(offset).Take(max).ToList();
        var next = offset + max < all.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes($"fake-asm:{offset + max}")) : null;
        return (page, next);
    }

    private JsonObject GetSecretValue(JsonElement input)
    {
        var secret = Resolve(input.GetProperty("SecretId").GetString());
        var version = PickVersion(secret, Str(input, "VersionId"), Str(input, "VersionStage"));
        return ValueOf(secret, version);
    }

    private JsonObject BatchGetSecretValue(JsonElement input)
    {
        if (input.TryGetProperty("Filters", out _))
            throw new AsmError("InvalidParameterException", "This fake supports SecretIdList only.");
        var ids = input.GetProperty("SecretIdList").EnumerateArray().Select(e => e.GetString()!).ToList();
        if (ids.Count is < 1 or > 20) throw new AsmError("InvalidParameterException", "SecretIdList must hold 1 to 20 ids.");
        var values = new JsonArray();
        var errors = new JsonArray();
        foreach (var id in ids)
        {
            try
            {
                var secret = Resolve(id);
                values.Add(ValueOf(secret, PickVersion(secret, null, null)));
            }
            catch (AsmError e)
            {
                errors.Add(new JsonObject { ["SecretId"] = id, ["ErrorCode"] = e.Code, ["Message"] = e.Message });
            }
        }
        return new JsonObject { ["SecretValues"] = values, ["Errors"] = errors };
    }

    private JsonObject DescribeSecret(JsonElement input) => Entry(Resolve(input.GetProperty("SecretId").GetString()), "VersionIdsToStages");

    private JsonObject ListSecretVersionIds(JsonElement input)
    {
        var secret = Resolve(input.GetProperty("SecretId").GetString());
        var max = Int(input, "MaxResults") ?? 100;
        if (max is < 1 or > 100) throw new AsmError("InvalidParameterException", "MaxResults must be between 1 and 100.");
        var includeDeprecated = input.TryGetProperty("IncludeDeprecated", out var d) && d.GetBoolean();
        var versions = secret.Versions.Where(v => includeDeprecated || v.Stages.Count > 0).ToList();
        var (page, next) = Page(versions, input, max);
        var list = new JsonArray();
        foreach (var v in page)
        {
            var item = new JsonObject { ["VersionId"] = v.Id, ["CreatedDate"] = Epoch(v.Created) };
            if (v.Stages.Count > 0) item["VersionStages"] = new JsonArray([.. v.Stages.Select(s => (JsonNode)s)]);
            list.Add(item);
        }
        var answer = new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name, ["Versions"] = list };
        if (next is not null) answer["NextToken"] = next;
        return answer;
    }

    private JsonObject PutSecretValue(JsonElement input)
    {
        var secret = Resolve(input.GetProperty("SecretId").GetString());
        var token = Str(input, "ClientRequestToken");
        if (token is null || token.Length is < 32 or > 64) throw new AsmError("InvalidParameterException", "ClientRequestToken must be 32 to 64 characters.");
        var (text, binary) = Value(input);
        if (text is null && binary is null) throw new AsmError("InvalidParameterException", "Give exactly one of SecretString or SecretBinary.");
        var stages = input.TryGetProperty("VersionStages", out var st) ? st.EnumerateArray().Select(s => s.GetString()!).ToList() : null;
        var existing = secret.Versions.FirstOrDefault(v => v.Id == token);
        if (existing is not null)
        {
            if (existing.Text == text && (existing.Binary ?? []).AsSpan().SequenceEqual(binary ?? []))
                return new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name, ["VersionId"] = token, ["VersionStages"] = new JsonArray([.. existing.Stages.Select(s => (JsonNode)s)]) };
            throw new AsmError("ResourceExistsException", "You can't modify an existing version, you can only create a new version.");
        }
        var version = PutVersion(secret, token, text, binary, stages);
        return new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name, ["VersionId"] = token, ["VersionStages"] = new JsonArray([.. version.Stages.Select(s => (JsonNode)s)]) };
    }

    private JsonObject CreateSecret(JsonElement input)
    {
        var name = Str(input, "Name") ?? throw new AsmError("InvalidParameterException", "Name is required.");
        if (_byName.ContainsKey(name)) throw new AsmError("ResourceExistsException", $"The operation failed because the secret {name} already exists.");
        var tags = input.TryGetProperty("Tags", out var t)
            ? t.EnumerateArray().ToDictionary(x => x.GetProperty("Key").GetString()!, x => x.TryGetProperty("Value", out var v) ? v.GetString() ?? "" : "")
            : null;
        var secret = NewSecret(name, Str(input, "Description"), tags);
        var answer = new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name };
        var (text, binary) = Value(input);
        if (text is not null || binary is not null)
        {
            var token = Str(input, "ClientRequestToken") ?? Guid.NewGuid().ToString();
            PutVersion(secret, token, text, binary, null);
            answer["VersionId"] = token;
        }
        return answer;
    }

    private FakeAsmSecret NewSecret(string name, string? description, IReadOnlyDictionary<string, string>? tags)
    {
        if (name.Length is < 1 or > 512 || !NamePattern().IsMatch(name))
            throw new AsmError("InvalidParameterException", "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!");
        if (_byName.ContainsKey(name)) throw new AsmError("ResourceExistsException", $"The operation failed because the secret {name} already exists.");
        var suffix = Convert.ToHexString(RandomNumberGenerator.GetBytes(3));
        var now = Now();
        var secret = new FakeAsmSecret(name, $"arn:aws:secretsmanager:{Region}:{Account}:secret:{name}-{suffix[..6]}", now)
        {
            Description = description,
            Tags = tags is null ? [] : new Dictionary<string, string>(tags),
            LastChanged = now,
        };
        _secrets.Add(secret);
        _byName[name] = secret;
        return secret;
    }

    private FakeAsmVersion PutVersion(FakeAsmSecret secret, string id, string? text, byte[]? binary, List<string>? stages)
    {
        var now = Now();
        var version = new FakeAsmVersion(id, text, binary, now);
        if (stages is null || stages.Contains("AWSCURRENT"))
        {
            foreach (var v in secret.Versions) v.Stages.Remove("AWSPREVIOUS");
            var current = secret.Versions.FirstOrDefault(v => v.Stages.Contains("AWSCURRENT"));
            if (current is not null) { current.Stages.Remove("AWSCURRENT"); current.Stages.Add("AWSPREVIOUS"); }
            version.Stages.Add("AWSCURRENT");
        }
        foreach (var stage in stages ?? [])
        {
            if (stage == "AWSCURRENT") continue;
            foreach (var v in secret.Versions) v.Stages.Remove(stage);
            version.Stages.Add(stage);
        }
        if (secret.Versions.Count == 0) version.Stages.Add("AWSCURRENT");
        secret.Versions.Add(version);
        secret.LastChanged = now;
        return version;
    }

    private FakeAsmSecret Resolve(string? id)
    {
        if (id is null) throw new AsmError("InvalidParameterException", "SecretId is required.");
        FakeAsmSecret? secret;
        if (id.StartsWith("arn:", StringComparison.Ordinal))
            secret = _secrets.FirstOrDefault(s => s.Arn == id || s.Arn[..^7] == id);
        else
            secret = _byName.GetValueOrDefault(id);
        if (secret is null) throw new AsmError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        if (secret.Deleted) throw new AsmError("InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.");
        return secret;
    }

    private static FakeAsmVersion PickVersion(FakeAsmSecret secret, string? versionId, string? stage)
    {
        var version = versionId is not null
            ? secret.Versions.FirstOrDefault(v => v.Id == versionId && (stage is null || v.Stages.Contains(stage)))
            : secret.Versions.FirstOrDefault(v => v.Stages.Contains(stage ?? "AWSCURRENT"));
        return version ?? throw new AsmError("ResourceNotFoundException",
            $"Secrets Manager can't find the specified secret value for {(versionId is not null ? "VersionId: " + versionId : "staging label: " + (stage ?? "AWSCURRENT"))}");
    }

    private static JsonObject ValueOf(FakeAsmSecret secret, FakeAsmVersion version)
    {
        var answer = new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name, ["VersionId"] = version.Id };
        if (version.Text is not null) answer["SecretString"] = version.Text;
        else answer["SecretBinary"] = Convert.ToBase64String(version.Binary!);
        answer["VersionStages"] = new JsonArray([.. version.Stages.Select(s => (JsonNode)s)]);
        answer["CreatedDate"] = Epoch(version.Created);
        return answer;
    }

    private static JsonObject Entry(FakeAsmSecret s, string versionMapName)
    {
        var entry = new JsonObject { ["ARN"] = s.Arn, ["Name"] = s.Name };
        if (s.Description is not null) entry["Description"] = s.Description;
        entry["LastChangedDate"] = Epoch(s.LastChanged);
        entry["CreatedDate"] = Epoch(s.Created);
        if (s.Tags.Count > 0)
            entry["Tags"] = new JsonArray([.. s.Tags.Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value })]);
        var map = new JsonObject();
        foreach (var v in s.Versions.Where(v => v.Stages.Count > 0))
            map[v.Id] = new JsonArray([.. v.Stages.Select(x => (JsonNode)x)]);
        if (map.Count > 0) entry[versionMapName] = map;
        return entry;
    }

    private static (string? Text, byte[]? Binary) Value(JsonElement input)
    {
        var text = Str(input, "SecretString");
        var binary = input.TryGetProperty("SecretBinary", out var b) ? Convert.FromBase64String(b.GetString()!) : null;
        if (text is not null && binary is not null) throw new AsmError("InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.");
        if ((text?.Length ?? 0) > 65536 || (binary?.Length ?? 0) > 65536) throw new AsmError("InvalidParameterException", "The secret value is larger than 65536 bytes.");
        return (text, binary);
    }

    private static string? Str(JsonElement input, string field) =>
        input.TryGetProperty(field, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private static int? Int(JsonElement input, string field) =>
        input.TryGetProperty(field, out var e) && e.ValueKind == JsonValueKind.Number ? e.GetInt32() : null;

    private static double Epoch(DateTimeOffset t) => Math.Round(t.ToUnixTimeMilliseconds() / 1000.0, 3);

    private bool TakeThrottle()
    {
        while (true)
        {
            var n = Volatile.Read(ref _throttleNext);
            if (n <= 0) return false;
            if (Interlocked.CompareExchange(ref _throttleNext, n - 1, n) == n) return true;
        }
    }

    private DateTimeOffset Clock() => _time.GetUtcNow();

    // Called under _lock. Versions written in the same millisecond still need a strict order (AWSPREVIOUS is
    // older than AWSCURRENT, and dates travel as epoch milliseconds).
    private DateTimeOffset Now()
    {
        var now = Clock();
        _lastStamp = now > _lastStamp.AddMilliseconds(1) ? now : _lastStamp.AddMilliseconds(1);
        return _lastStamp;
    }

    private static async Task ErrorAsync(HttpContext http, int status, string code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/x-amz-json-1.1";
        http.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await http.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["__type"] = code, ["Message"] = message }));
    }

    [GeneratedRegex(@"^[A-Za-z0-9/_+=.@-]+$")]
    private static partial Regex NamePattern();
}

public sealed class FakeAsmSecret(string name, string arn, DateTimeOffset created)
{
    public string Name { get; } = name;
    public string Arn { get; } = arn;
    public DateTimeOffset Created { get; } = created;
    public DateTimeOffset LastChanged { get; set; }
    public string? Description { get; set; }
    public Dictionary<string, string> Tags { get; set; } = [];
    public List<FakeAsmVersion> Versions { get; } = [];
    public bool Deleted { get; set; }
}

public sealed class FakeAsmVersion(string id, string? text, byte[]? binary, DateTimeOffset created)
{
    public string Id { get; } = id;
    public string? Text { get; } = text;
    public byte[]? Binary { get; } = binary;
    public DateTimeOffset Created { get; } = created;
    public HashSet<string> Stages { get; } = [];
}
