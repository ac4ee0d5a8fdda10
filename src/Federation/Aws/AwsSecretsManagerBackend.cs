using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation.Aws;

/// <summary>
/// AWS Secrets Manager behind the federation port. Names are ASM secret names (<c>prod/billing/db</c>);
/// <c>AWSCURRENT</c> is the current version; tags become <c>key=value</c>.
/// </summary>
/// <remarks>
/// Cost: a listing is one ListSecrets call per 100 secrets and already carries the change marker and the
/// tags, so an unchanged sync costs nothing more. A secret imported before and changed since is read 20 per
/// BatchGetSecretValue (<see cref="ReadManyAsync"/>); a secret seen for the first time costs one ListSecretVersionIds
/// plus one GetSecretValue per version (<see cref="ReadVersionsAsync"/>). Figures: docs/benchmarks.md.
/// </remarks>
public sealed class AwsSecretsManagerBackend : IFederationBackend, IBatchReadingBackend
{
    public const string BackendType = "aws-secrets-manager";
    internal const int ListPageSize = 100;
    internal const int BatchSize = 20;
    private static readonly TimeSpan TagCacheLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Upper bound on how long a sync read trusts the tags of its own listing round.</summary>
    private static readonly TimeSpan ListingTagLifetime = TimeSpan.FromHours(1);

    private readonly AwsCallPipeline _pipeline;
    private readonly SecretsManagerClient _client;
    private readonly TimeProvider _time;
    // Round is the listing round that wrote the entry (-1 for DescribeSecret answers), see TagsOfAsync.
    private readonly ConcurrentDictionary<string, (IReadOnlyList<string> Tags, DateTimeOffset At, long Round)> _tags = new(StringComparer.Ordinal);
    private long _listingRound;
    private volatile bool _readSinceListing = true;
    private volatile bool _batchDenied;
    private volatile bool _describeDenied;
    private volatile bool _versionsDenied;

    internal AwsSecretsManagerBackend(AwsCallPipeline pipeline, SecretsManagerClient client, TimeProvider time)
    {
        _pipeline = pipeline;
        _client = client;
        _time = time;
    }

    public string Type => BackendType;

    public long OutboundCalls => _pipeline.Calls;

    /// <summary>Calls waiting for the per-backend rate cap right now.</summary>
    public long QueuedCalls => _pipeline.Queued;

    public async Task<TimeSpan> CheckAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await CallAsync("ListSecrets", null, new JsonObject { ["MaxResults"] = 1 }, ct);
        return Stopwatch.GetElapsedTime(started);
    }

    public async IAsyncEnumerable<RemoteSecretRef> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        // Listings with no sync read in between (one sync listing several prefixes) form one round.
        if (_readSinceListing)
        {
            Interlocked.Increment(ref _listingRound);
            _readSinceListing = false;
        }
        var round = Interlocked.Read(ref _listingRound);
        string? next = null;
        do
        {
            var input = new JsonObject { ["MaxResults"] = ListPageSize };
            if (prefix.Length > 0) input["Filters"] = new JsonArray(new JsonObject { ["Key"] = "name", ["Values"] = new JsonArray(prefix) });
            if (next is not null) input["NextToken"] = next;
            var page = await CallAsync("ListSecrets", null, input, ct);
            if (page.TryGetProperty("SecretList", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                var now = _time.GetUtcNow();
                foreach (var entry in list.EnumerateArray())
                {
                    var name = entry.GetProperty("Name").GetString()!;
                    // The name filter is a prefix match on AWS too; checking again keeps the contract exact.
                    if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
                    _tags[name] = (Tags(entry), now, round);
                    yield return new RemoteSecretRef(name, ChangeMarker(entry));
                }
            }
            next = page.TryGetProperty("NextToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
        }
        while (next is not null);
    }

    public Task<RemoteSecret?> ReadAsync(string name, CancellationToken ct) => ReadCurrentAsync(name, syncRead: false, ct);

    private async Task<RemoteSecret?> ReadCurrentAsync(string name, bool syncRead, CancellationToken ct)
    {
        JsonElement answer;
        try
        {
            answer = await CallAsync("GetSecretValue", name, new JsonObject { ["SecretId"] = name }, ct);
        }
        catch (AwsNotFound)
        {
            return null;
        }
        return Version(name, answer, await TagsOfAsync(name, syncRead, ct));
    }

    public async Task<BatchReadResult> ReadManyAsync(IReadOnlyCollection<string> names, CancellationToken ct)
    {
        _readSinceListing = true;
        var found = new Dictionary<string, RemoteSecret?>(StringComparer.Ordinal);
        var failed = new Dictionary<string, FederationBackendException>(StringComparer.Ordinal);
        foreach (var chunk in names.Distinct(StringComparer.Ordinal).Chunk(BatchSize))
        {
            if (!_batchDenied)
            {
                try
                {
                    var answer = await CallAsync("BatchGetSecretValue", null,
                        new JsonObject { ["SecretIdList"] = new JsonArray([.. chunk.Select(n => (JsonNode)n)]) }, ct);
                    await CollectBatchAsync(chunk, answer, found, failed, ct);
                    continue;
                }
                catch (FederationBackendException e) when (IamDenied(e))
                {
                    // The IAM policy may allow GetSecretValue but not secretsmanager:BatchGetSecretValue: read one by one from now on.
                    _batchDenied = true;
                }
            }
            foreach (var name in chunk)
            {
                try { found[name] = await ReadCurrentAsync(name, syncRead: true, ct); }
                catch (FederationBackendException e) { failed[name] = e; }
            }
        }
        return new BatchReadResult(found, failed);
    }

    private async Task CollectBatchAsync(string[] chunk, JsonElement answer,
        Dictionary<string, RemoteSecret?> found, Dictionary<string, FederationBackendException> failed, CancellationToken ct)
    {
        if (answer.TryGetProperty("SecretValues", out var values))
            foreach (var value in values.EnumerateArray())
            {
                var name = value.GetProperty("Name").GetString()!;
                found[name] = Version(name, value, await TagsOfAsync(name, syncRead: true, ct));
            }
        if (answer.TryGetProperty("Errors", out var errors))
            foreach (var error in errors.EnumerateArray())
            {
                var name = error.GetProperty("SecretId").GetString()!;
                var code = error.TryGetProperty("ErrorCode", out var c) ? c.GetString() ?? "" : "";
                if (code is "ResourceNotFoundException" or "InvalidRequestException") found[name] = null;
                else failed[name] = Failure("BatchGetSecretValue", name, new AwsServiceException(code, 400));
            }
        foreach (var name in chunk)
            if (!found.ContainsKey(name) && !failed.ContainsKey(name))
                failed[name] = new FederationBackendException(BackendFailure.BadResponse, $"BatchGetSecretValue: no value and no error for '{name}'.");
    }

    public async Task<IReadOnlyList<RemoteSecret>> ReadVersionsAsync(string name, CancellationToken ct)
    {
        _readSinceListing = true;
        if (_versionsDenied) return await CurrentOnlyAsync(name, ct);
        var versions = new List<(string Id, DateTimeOffset? Created, bool Current)>();
        string? next = null;
        try
        {
            do
            {
                var input = new JsonObject { ["SecretId"] = name, ["MaxResults"] = ListPageSize, ["IncludeDeprecated"] = true };
                if (next is not null) input["NextToken"] = next;
                var page = await CallAsync("ListSecretVersionIds", name, input, ct);
                foreach (var v in page.GetProperty("Versions").EnumerateArray())
                    versions.Add((v.GetProperty("VersionId").GetString()!, Epoch(v, "CreatedDate"),
                        v.TryGetProperty("VersionStages", out var stages) && stages.ValueKind == JsonValueKind.Array
                        && stages.EnumerateArray().Any(s => s.GetString() == "AWSCURRENT")));
                next = page.TryGetProperty("NextToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
            }
            while (next is not null);
        }
        catch (AwsNotFound)
        {
            return [];
        }
        catch (FederationBackendException e) when (IamDenied(e))
        {
            // GetSecretValue + ListSecrets is a documented minimal policy: without ListSecretVersionIds only the current version is visible.
            _versionsDenied = true;
            return await CurrentOnlyAsync(name, ct);
        }

        var tags = await TagsOfAsync(name, syncRead: true, ct);
        var result = new List<RemoteSecret>(versions.Count);
        // Oldest first, and AWSCURRENT last whatever its date says: two versions can share a creation time.
        foreach (var (id, created, _) in versions.OrderBy(v => v.Current).ThenBy(v => v.Created ?? DateTimeOffset.MinValue))
        {
            try
            {
                var answer = await CallAsync("GetSecretValue", name, new JsonObject { ["SecretId"] = name, ["VersionId"] = id }, ct);
                result.Add(Version(name, answer, tags));
            }
            catch (AwsNotFound)
            {
                // Purged between the listing and the read (AWS drops old unlabelled versions).
                result.Add(new RemoteSecret(name, id, null, tags, created, RemoteVersionState.Destroyed));
            }
        }
        return result;
    }

    private async Task<IReadOnlyList<RemoteSecret>> CurrentOnlyAsync(string name, CancellationToken ct) =>
        await ReadCurrentAsync(name, syncRead: true, ct) is { } current ? [current] : [];

    public async Task<string> WriteAsync(string name, RemoteSecretValue value, CancellationToken ct)
    {
        // Raw clients must send the idempotency token themselves; it becomes the new VersionId, and a
        // retried attempt with the same token is a no-op on AWS instead of a second version.
        var token = Guid.NewGuid().ToString();
        var input = new JsonObject { ["SecretId"] = name, ["ClientRequestToken"] = token };
        AddValue(input, value);
        try
        {
            var answer = await CallAsync("PutSecretValue", name, input, ct);
            return answer.TryGetProperty("VersionId", out var id) ? id.GetString()! : token;
        }
        catch (AwsNotFound)
        {
            var create = new JsonObject { ["Name"] = name, ["ClientRequestToken"] = token };
            AddValue(create, value);
            var answer = await CallAsync("CreateSecret", name, create, ct);
            return answer.TryGetProperty("VersionId", out var id) ? id.GetString()! : token;
        }
    }

    public void Dispose() => _pipeline.Dispose();

    private static void AddValue(JsonObject input, RemoteSecretValue value)
    {
        if (value.SecretType == SecretType.Binary) input["SecretBinary"] = Convert.ToBase64String(value.Bytes);
        else input["SecretString"] = Encoding.UTF8.GetString(value.Bytes);
    }

    /// <summary>
    /// Tags from the cache when fresh enough, else one DescribeSecret. A proxy read wants them younger than 5 minutes.
    /// A sync read accepts the tags of the current listing round however old (up to an hour): they came with the
    /// change marker the sync acts on, and a tag change moves LastChangedDate, so the next sync imports them anyway.
    /// Without that, a sync slowed by max_calls_per_second past 5 minutes paid one DescribeSecret per secret it read
    /// after the fifth minute (measured: 2,075 extra calls in a 5,000-secret cold sync at 20 calls/s).
    /// </summary>
    private async Task<IReadOnlyList<string>> TagsOfAsync(string name, bool syncRead, CancellationToken ct)
    {
        if (_tags.TryGetValue(name, out var cached))
        {
            var age = _time.GetUtcNow() - cached.At;
            if (age < TagCacheLifetime) return cached.Tags;
            if (syncRead && cached.Round == Interlocked.Read(ref _listingRound) && age < ListingTagLifetime) return cached.Tags;
        }
        if (_describeDenied) return [];
        try
        {
            var described = await CallAsync("DescribeSecret", name, new JsonObject { ["SecretId"] = name }, ct);
            var tags = Tags(described);
            _tags[name] = (tags, _time.GetUtcNow(), -1);
            return tags;
        }
        catch (AwsNotFound)
        {
            return [];
        }
        catch (FederationBackendException e) when (IamDenied(e))
        {
            // A policy of GetSecretValue + ListSecrets only is enough to read: values then come without tags.
            _describeDenied = true;
            return [];
        }
    }

    private static bool IamDenied(FederationBackendException e) => e.InnerException is AwsServiceException { Code: "AccessDeniedException" };

    private static RemoteSecret Version(string name, JsonElement answer, IReadOnlyList<string> tags)
    {
        RemoteSecretValue? value = null;
        if (answer.TryGetProperty("SecretString", out var s) && s.ValueKind == JsonValueKind.String)
        {
            var text = s.GetString()!;
            value = new RemoteSecretValue(IsJsonObject(text) ? SecretType.Json : SecretType.String, Encoding.UTF8.GetBytes(text));
        }
        else if (answer.TryGetProperty("SecretBinary", out var b) && b.ValueKind == JsonValueKind.String)
        {
            value = new RemoteSecretValue(SecretType.Binary, Convert.FromBase64String(b.GetString()!));
        }
        var versionId = answer.TryGetProperty("VersionId", out var v) ? v.GetString()! : "";
        return new RemoteSecret(name, versionId, value, tags, Epoch(answer, "CreatedDate"));
    }

    private static bool IsJsonObject(string text)
    {
        if (text.Length == 0 || text.TrimStart() is not ['{', ..]) return false;
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static IReadOnlyList<string> Tags(JsonElement entry) =>
        entry.TryGetProperty("Tags", out var tags) && tags.ValueKind == JsonValueKind.Array
            ? [.. tags.EnumerateArray().Select(t => $"{t.GetProperty("Key").GetString()}={(t.TryGetProperty("Value", out var v) ? v.GetString() : "")}")]
            : [];

    /// <summary>
    /// The AWSCURRENT version id (changes with every new value) plus LastChangedDate (changes with tags and
    /// other metadata too), both straight from ListSecrets, so detecting change costs no call per secret.
    /// </summary>
    private static string? ChangeMarker(JsonElement entry)
    {
        string? current = null;
        if (entry.TryGetProperty("SecretVersionsToStages", out var map) && map.ValueKind == JsonValueKind.Object)
            foreach (var version in map.EnumerateObject())
                if (version.Value.EnumerateArray().Any(stage => stage.GetString() == "AWSCURRENT")) current = version.Name;
        var changed = entry.TryGetProperty("LastChangedDate", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetRawText() : null;
        return current is null && changed is null ? null : $"{current}@{changed}";
    }

    private static DateTimeOffset? Epoch(JsonElement element, string field) =>
        element.TryGetProperty(field, out var e) && e.ValueKind == JsonValueKind.Number
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(e.GetDouble() * 1000))
            : null;

    private sealed class AwsNotFound : Exception;

    /// <summary>One call with the error mapping of the port: not found is the caller's business, the rest is a backend failure.</summary>
    private async Task<JsonElement> CallAsync(string operation, string? name, JsonObject input, CancellationToken ct)
    {
        try
        {
            return await _client.CallAsync(operation, input, ct);
        }
        catch (AwsServiceException e) when (e.Code is "ResourceNotFoundException"
            || (e.Code is "InvalidRequestException" && operation is "GetSecretValue" or "ListSecretVersionIds"))
        {
            // InvalidRequestException on a read means "scheduled for deletion": gone, as far as a reader is concerned.
            throw new AwsNotFound();
        }
        catch (AwsServiceException e)
        {
            throw Failure(operation, name, e);
        }
    }

    private static FederationBackendException Failure(string operation, string? name, AwsServiceException e)
    {
        var target = name is null ? operation : $"{operation} '{name}'";
        return e.Code switch
        {
            "AccessDeniedException" => new(BackendFailure.AccessDenied,
                $"{target}: AWS denied the call (AccessDeniedException); the IAM policy needs secretsmanager:{operation} on this secret.", e),
            "UnrecognizedClientException" or "InvalidSignatureException" or "IncompleteSignature" or "ExpiredTokenException"
                or "InvalidClientTokenId" or "MissingAuthenticationTokenException" => new(BackendFailure.AccessDenied,
                $"{target}: AWS rejected the credentials ({e.Code}); check the key pair or role in the backend config.", e),
            _ => new(BackendFailure.BadResponse, $"{target}: Secrets Manager answered {e.Code}.", e),
        };
    }
}
