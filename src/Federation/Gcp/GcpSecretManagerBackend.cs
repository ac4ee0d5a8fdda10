using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;

namespace ScaiVault.Federation.Gcp;

/// <summary>
/// GCP Secret Manager behind the federation port, over REST v1. Names are mapped to secret ids by
/// <see cref="GcpSecretIds"/>, values by <see cref="GcpPayloads"/>, labels become <c>key=value</c>
/// tags. Calls per operation (cost): list = one per page; read = 2 (access latest, get secret for
/// labels); versions = 2 + pages + one per enabled version; write = 1 (3 when the secret is new).
/// </summary>
public sealed class GcpSecretManagerBackend : IFederationBackend
{
    private readonly GcpSecretManagerOptions _options;
    private readonly HttpClient _http;
    private readonly GcpAccessTokens _tokens;
    private readonly GcpRestClient _rest;
    private readonly string _project;
    private long _outboundCalls;

    public GcpSecretManagerBackend(GcpSecretManagerOptions options, ICredentialSource credentials, HttpClient http, TimeProvider time)
    {
        _options = options;
        _http = http;
        _http.BaseAddress = options.Endpoint;
        _http.Timeout = Timeout.InfiniteTimeSpan;   // bounded by the pipeline's timeout_seconds instead
        _tokens = new GcpAccessTokens(options, credentials, new TimeProviderClock(time), CountCall);
        _rest = new GcpRestClient(http, _tokens, options, CountCall, time);
        _project = $"v1/projects/{Uri.EscapeDataString(options.ProjectId)}";
    }

    public string Type => GcpSecretManagerFactory.BackendType;

    public long OutboundCalls => Interlocked.Read(ref _outboundCalls);

    public async Task<TimeSpan> CheckAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var reply = await _rest.SendAsync(HttpMethod.Get, $"{_project}/secrets?pageSize=1", null, "a check (list one secret)", ct);
        if (!reply.IsSuccess) throw GcpRestClient.Unexpected(reply, "a check (list one secret)");
        return Stopwatch.GetElapsedTime(started);
    }

    /// <remarks>
    /// GSM's filter <c>name:</c> matches a substring, not a prefix: it narrows the pages fetched and
    /// the prefix is checked again here. The change marker is null: a listed secret carries no version
    /// (its etag follows the secret's metadata, not its versions), so telling a change costs a call per
    /// secret, the same as reading it.
    /// </remarks>
    public async IAsyncEnumerable<RemoteSecretRef> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var idPrefix = GcpSecretIds.EncodePrefix(prefix);
        if (idPrefix is null) yield break;   // no secret id can start with it
        var filter = idPrefix.Length > 0 ? "&filter=" + Uri.EscapeDataString($"name:{idPrefix}") : "";
        string? pageToken = null;
        do
        {
            var page = $"{_project}/secrets?pageSize={_options.PageSize}{filter}"
                       + (pageToken is null ? "" : "&pageToken=" + Uri.EscapeDataString(pageToken));
            var reply = await _rest.SendAsync(HttpMethod.Get, page, null, "listing secrets", ct);
            if (!reply.IsSuccess) throw GcpRestClient.Unexpected(reply, "listing secrets");
            var list = reply.Read<GcpSecretList>("listing secrets");
            foreach (var secret in list.Secrets ?? [])
            {
                var name = GcpSecretIds.Decode(GcpJson.LastSegment(secret.Name));
                if (name.StartsWith(prefix, StringComparison.Ordinal)) yield return new RemoteSecretRef(name, null);
            }
            pageToken = string.IsNullOrEmpty(list.NextPageToken) ? null : list.NextPageToken;
        } while (pageToken is not null);
    }

    public async Task<RemoteSecret?> ReadAsync(string name, CancellationToken ct)
    {
        if (!GcpSecretIds.TryEncode(name, out var id, out _)) return null;   // GCP cannot hold such a name
        var what = $"reading '{name}'";
        var access = await _rest.SendAsync(HttpMethod.Get, $"{SecretUrl(id)}/versions/latest:access", null, what, ct);
        if (access.StatusCode == HttpStatusCode.NotFound) return null;      // no such secret, or no version yet

        string version;
        RemoteSecretValue? value = null;
        var state = RemoteVersionState.Active;
        DateTimeOffset? updatedAt = null;
        if (access.IsSuccess)
        {
            (version, value) = ReadPayload(access, what);
        }
        else if (access is { StatusCode: HttpStatusCode.BadRequest, ErrorStatus: "FAILED_PRECONDITION" })
        {
            // 'latest' is the newest version whatever its state: disabled or destroyed, it has no value to give.
            var meta = await _rest.SendAsync(HttpMethod.Get, $"{SecretUrl(id)}/versions/latest", null, what, ct);
            if (meta.StatusCode == HttpStatusCode.NotFound) return null;
            if (!meta.IsSuccess) throw GcpRestClient.Unexpected(meta, what);
            var latest = meta.Read<GcpSecretVersion>(what);
            version = GcpJson.LastSegment(latest.Name);
            state = State(latest.State);
            updatedAt = latest.CreateTime;
        }
        else
        {
            throw GcpRestClient.Unexpected(access, what);
        }

        var secret = await GetSecretAsync(id, what, ct);
        if (secret is null) return null;   // deleted between the two calls
        return new RemoteSecret(name, version, value, Tags(secret), updatedAt, state, secret.ExpireTime);
    }

    public async Task<IReadOnlyList<RemoteSecret>> ReadVersionsAsync(string name, CancellationToken ct)
    {
        if (!GcpSecretIds.TryEncode(name, out var id, out _)) return [];
        var what = $"reading the versions of '{name}'";
        var secret = await GetSecretAsync(id, what, ct);
        if (secret is null) return [];
        var tags = Tags(secret);

        var versions = new List<GcpSecretVersion>();
        string? pageToken = null;
        do
        {
            var page = $"{SecretUrl(id)}/versions?pageSize={_options.PageSize}"
                       + (pageToken is null ? "" : "&pageToken=" + Uri.EscapeDataString(pageToken));
            var reply = await _rest.SendAsync(HttpMethod.Get, page, null, what, ct);
            if (reply.StatusCode == HttpStatusCode.NotFound) return [];
            if (!reply.IsSuccess) throw GcpRestClient.Unexpected(reply, what);
            var list = reply.Read<GcpSecretVersionList>(what);
            versions.AddRange(list.Versions ?? []);
            pageToken = string.IsNullOrEmpty(list.NextPageToken) ? null : list.NextPageToken;
        } while (pageToken is not null);

        var result = new List<RemoteSecret>(versions.Count);
        foreach (var version in versions.OrderBy(v => VersionNumber(v.Name, what)))
        {
            var number = GcpJson.LastSegment(version.Name);
            var state = State(version.State);
            RemoteSecretValue? value = null;
            if (state == RemoteVersionState.Active)
            {
                var access = await _rest.SendAsync(HttpMethod.Get, $"{SecretUrl(id)}/versions/{number}:access", null, what, ct);
                if (access.IsSuccess) value = ReadPayload(access, what).Value;
                else if (access.StatusCode == HttpStatusCode.NotFound) state = RemoteVersionState.Deleted;
                else if (access.ErrorStatus == "FAILED_PRECONDITION") state = RemoteVersionState.Disabled;   // disabled meanwhile
                else throw GcpRestClient.Unexpected(access, what);
            }
            result.Add(new RemoteSecret(name, number, value, tags, version.CreateTime, state, secret.ExpireTime));
        }
        return result;
    }

    public async Task<string> WriteAsync(string name, RemoteSecretValue value, CancellationToken ct)
    {
        // Refused here as GSM would refuse it (400 INVALID_ARGUMENT), without spending a call.
        if (!GcpSecretIds.TryEncode(name, out var id, out var reason))
            throw new FederationBackendException(BackendFailure.NameNotRepresentable, $"'{name}' cannot be written to GCP Secret Manager: {reason}");
        if (value.Bytes.Length > GcpPayloads.MaxBytes)
            throw new FederationBackendException(BackendFailure.BadResponse,
                $"'{name}' cannot be written to GCP Secret Manager: the value is {value.Bytes.Length} bytes, more than its 64 KiB limit.");

        var what = $"writing '{name}'";
        var body = new GcpAddVersionRequest(new GcpPayload(
            Convert.ToBase64String(value.Bytes), Crc32C.Compute(value.Bytes).ToString(CultureInfo.InvariantCulture)));
        var added = await _rest.SendAsync(HttpMethod.Post, $"{SecretUrl(id)}:addVersion", body, what, ct);
        if (added.StatusCode == HttpStatusCode.NotFound)
        {
            var created = await _rest.SendAsync(HttpMethod.Post, $"{_project}/secrets?secretId={id}",
                new GcpCreateSecretRequest(new GcpReplication(GcpJson.EmptyObject)), what, ct);
            // ALREADY_EXISTS: another writer created it first, which is just as good.
            if (!created.IsSuccess && created.StatusCode != HttpStatusCode.Conflict) throw GcpRestClient.Unexpected(created, what);
            added = await _rest.SendAsync(HttpMethod.Post, $"{SecretUrl(id)}:addVersion", body, what, ct);
        }
        if (!added.IsSuccess) throw GcpRestClient.Unexpected(added, what);
        var version = added.Read<GcpSecretVersion>(what);
        VersionNumber(version.Name, what);
        return GcpJson.LastSegment(version.Name);
    }

    public void Dispose()
    {
        _tokens.Dispose();
        _http.Dispose();
    }

    private void CountCall() => Interlocked.Increment(ref _outboundCalls);

    private string SecretUrl(string id) => $"{_project}/secrets/{id}";

    private async Task<GcpSecret?> GetSecretAsync(string id, string what, CancellationToken ct)
    {
        var reply = await _rest.SendAsync(HttpMethod.Get, SecretUrl(id), null, what, ct);
        if (reply.StatusCode == HttpStatusCode.NotFound) return null;
        if (!reply.IsSuccess) throw GcpRestClient.Unexpected(reply, what);
        return reply.Read<GcpSecret>(what);
    }

    /// <summary>The version number and value of an access reply; a CRC32C mismatch refuses the value.</summary>
    private static (string Version, RemoteSecretValue Value) ReadPayload(GcpReply reply, string what)
    {
        var access = reply.Read<GcpAccessResponse>(what);
        var version = GcpJson.LastSegment(access.Name);
        VersionNumber(access.Name, what);
        if (!GcpPayloads.TryDecodeBase64(access.Payload?.Data ?? "", out var bytes))
            throw new FederationBackendException(BackendFailure.BadResponse, $"GCP Secret Manager answered {what} with a payload that is not base64.");
        if (access.Payload?.DataCrc32c is { } expected
            && (!uint.TryParse(expected, NumberStyles.None, CultureInfo.InvariantCulture, out var crc) || crc != Crc32C.Compute(bytes)))
            throw new FederationBackendException(BackendFailure.BadResponse,
                $"GCP Secret Manager answered {what} (version {version}) with a payload whose CRC32C does not match: the value was refused.");
        return (version, GcpPayloads.Classify(bytes));
    }

    private static long VersionNumber(string resourceName, string what) =>
        long.TryParse(GcpJson.LastSegment(resourceName), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new FederationBackendException(BackendFailure.BadResponse, $"GCP Secret Manager answered {what} with a version name that has no version number.");

    private static RemoteVersionState State(string? state) => state switch
    {
        "ENABLED" => RemoteVersionState.Active,
        "DESTROYED" => RemoteVersionState.Destroyed,
        _ => RemoteVersionState.Disabled,   // DISABLED, and any state added later: not readable, so not offered
    };

    private static IReadOnlyList<string> Tags(GcpSecret secret) =>
        secret.Labels is null ? [] : [.. secret.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")];
}
