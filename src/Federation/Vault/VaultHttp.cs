using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScaiVault.Federation.Vault;

/// <summary>What Vault answered: the status and the parsed body (Undefined when there was none).</summary>
internal readonly record struct VaultReply(int Status, JsonElement Body)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>Vault's first error string, shortened; Vault's KV and auth errors never echo values or credentials.</summary>
    public string FirstError =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array && e.GetArrayLength() > 0
            ? Shorten(e[0].ToString())
            : "";

    private static string Shorten(string text)
    {
        text = text.Replace("1 error occurred:", "").Replace("\n", " ").Replace("\t", " ").Replace("*", "").Trim();
        return text.Length > 160 ? text[..160] + "…" : text;
    }
}

/// <summary>
/// One HTTP round trip to Vault: the token and namespace headers, a bounded time, a bounded retry when
/// rate-limited, and the mapping of transport failures to <see cref="BackendFailure"/>. Every call is
/// counted (cost awareness). 403 handling needs a new token, so it lives one level up.
/// </summary>
internal sealed class VaultHttp(HttpClient http, VaultConfig config) : IDisposable
{
    private const int RateLimitRetries = 3;
    private static readonly TimeSpan MaxRetryWait = TimeSpan.FromSeconds(2);
    private long _calls;

    public long Calls => Interlocked.Read(ref _calls);

    public async Task<VaultReply> SendAsync(string method, string path, string? token, JsonNode? body, CancellationToken ct, string? query = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var response = await SendOnceAsync(method, path, query, token, body, ct);
            var status = (int)response.StatusCode;
            if (status == 429 && attempt < RateLimitRetries)
            {
                await Task.Delay(RetryWait(response, attempt), ct);
                continue;
            }
            var reply = new VaultReply(status, await ReadBodyAsync(response, method, path, ct));
            if (status == 429)
                throw new FederationBackendException(BackendFailure.Throttled,
                    $"Vault kept rate-limiting {method} {path} after {RateLimitRetries} retries");
            if (status >= 500 || status == 412)
                throw new FederationBackendException(BackendFailure.Unavailable,
                    $"Vault answered {status} to {method} {path}{Detail(reply)}");
            return reply;
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(string method, string path, string? query, string? token, JsonNode? body, CancellationToken ct)
    {
        // LIST goes as GET ?list=true: some proxies and HttpClient paths dislike unknown verbs.
        var isList = method == "LIST";
        var uri = new Uri(config.Endpoint, "v1/" + EscapePath(path) + (isList ? "?list=true" : query is null ? "" : "?" + query));
        using var request = new HttpRequestMessage(isList ? HttpMethod.Get : new HttpMethod(method), uri);
        if (token is not null) request.Headers.Add("X-Vault-Token", token);
        if (config.Namespace is not null) request.Headers.Add("X-Vault-Namespace", config.Namespace);
        request.Headers.Add("X-Vault-Request", "true");
        if (body is not null)
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToJsonString()))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(config.Timeout);
        Interlocked.Increment(ref _calls);
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new FederationBackendException(BackendFailure.Timeout,
                $"Vault at {config.Endpoint} did not answer {method} {path} within {config.Timeout.TotalSeconds:0.###}s");
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException || e.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            throw new FederationBackendException(BackendFailure.Unavailable,
                $"TLS with Vault at {config.Endpoint} failed: its certificate is not trusted (set config.ca_cert to the CA that signed it) or the handshake failed", e);
        }
        catch (HttpRequestException e)
        {
            throw new FederationBackendException(BackendFailure.Unavailable,
                $"Vault at {config.Endpoint} could not be reached for {method} {path} ({e.HttpRequestError})", e);
        }
    }

    private async Task<JsonElement> ReadBodyAsync(HttpResponseMessage response, string method, string path, CancellationToken ct)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        if (bytes.Length == 0) return default;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            if ((int)response.StatusCode >= 500) return default;
            throw new FederationBackendException(BackendFailure.BadResponse,
                $"Vault answered {(int)response.StatusCode} to {method} {path} with a body that is not JSON");
        }
    }

    private static TimeSpan RetryWait(HttpResponseMessage response, int attempt)
    {
        var backoff = TimeSpan.FromMilliseconds(100 * (1 << attempt));
        var asked = response.Headers.RetryAfter?.Delta;
        var wait = asked is { } a && a > backoff ? a : backoff;
        return wait > MaxRetryWait ? MaxRetryWait : wait;
    }

    private static string Detail(VaultReply reply) => reply.FirstError is { Length: > 0 } e ? $": {e}" : "";

    /// <summary>Escapes each segment (names may hold spaces, '#', '?', '%', non-ASCII) but keeps the slashes.</summary>
    private static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    public void Dispose() => http.Dispose();
}
