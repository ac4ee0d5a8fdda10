using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Apis.Auth.OAuth2.Responses;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ScaiVault.Federation.Gcp;

/// <summary>One GSM answer, read whole (bodies are small: a payload is at most 64 KiB).</summary>
internal sealed record GcpReply(HttpStatusCode StatusCode, byte[] Body, string? ErrorStatus)
{
    public bool IsSuccess => (int)StatusCode is >= 200 and < 300;

    public T Read<T>(string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(Body, GcpJson.Options)
                   ?? throw new FederationBackendException(BackendFailure.BadResponse, $"GCP Secret Manager answered an empty body to {what}.");
        }
        catch (JsonException)
        {
            throw new FederationBackendException(BackendFailure.BadResponse, $"GCP Secret Manager answered {what} with a body that is not the expected JSON.");
        }
    }
}

/// <summary>
/// Sends GSM REST calls: bearer token, one token refresh after a 401, retries of 429/500/503/504 and
/// ABORTED with exponential backoff and jitter (Polly), the whole call bounded by timeout_seconds.
/// Every attempt is counted. What it cannot recover from becomes a <see cref="FederationBackendException"/>
/// whose message names the call and GSM's status, never a body, token or value.
/// </summary>
internal sealed class GcpRestClient
{
    private readonly HttpClient _http;
    private readonly GcpAccessTokens _tokens;
    private readonly Action _countCall;
    private readonly ResiliencePipeline<GcpReply> _pipeline;

    public GcpRestClient(HttpClient http, GcpAccessTokens tokens, GcpSecretManagerOptions options, Action countCall, TimeProvider time)
    {
        _http = http;
        _tokens = tokens;
        _countCall = countCall;
        _pipeline = new ResiliencePipelineBuilder<GcpReply> { TimeProvider = time }
            .AddTimeout(options.Timeout)
            .AddRetry(new RetryStrategyOptions<GcpReply>
            {
                MaxRetryAttempts = Math.Max(options.MaxRetries, 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(10),
                ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && IsTransient(args.Outcome)),
            })
            .Build();
    }

    /// <summary>The reply to a call; throws for what no caller can handle (auth, throttling, outage, timeout).</summary>
    public async Task<GcpReply> SendAsync(HttpMethod method, string relativeUrl, object? body, string what, CancellationToken ct)
    {
        GcpReply reply;
        try
        {
            reply = await _pipeline.ExecuteAsync(async token => await AttemptAsync(method, relativeUrl, body, token), ct);
        }
        catch (TimeoutRejectedException e)
        {
            throw new FederationBackendException(BackendFailure.Timeout, $"GCP Secret Manager did not answer {what} in time.", e);
        }
        catch (HttpRequestException e)
        {
            throw new FederationBackendException(BackendFailure.Unavailable,
                $"GCP Secret Manager or its token endpoint could not be reached for {what} ({e.HttpRequestError}).");
        }
        catch (TokenResponseException e)
        {
            throw TokenRefused(e, what);
        }

        switch (reply.StatusCode)
        {
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                throw new FederationBackendException(BackendFailure.AccessDenied,
                    $"GCP Secret Manager refused {what}: {Describe(reply)}. Check the service account's IAM roles on the project.");
            case HttpStatusCode.TooManyRequests:
                throw new FederationBackendException(BackendFailure.Throttled,
                    $"GCP Secret Manager kept throttling {what} ({Describe(reply)}) after retries.");
            case HttpStatusCode.GatewayTimeout:
                throw new FederationBackendException(BackendFailure.Timeout, $"GCP Secret Manager timed out on {what} ({Describe(reply)}).");
            case >= HttpStatusCode.InternalServerError:
                throw new FederationBackendException(BackendFailure.Unavailable,
                    $"GCP Secret Manager is unavailable for {what} ({Describe(reply)}) after retries.");
            case HttpStatusCode.Conflict when reply.ErrorStatus == "ABORTED":
                throw new FederationBackendException(BackendFailure.Unavailable, $"GCP Secret Manager kept aborting {what} after retries.");
            default:
                return reply;
        }
    }

    /// <summary>A reply the caller did not expect, as a failure.</summary>
    public static FederationBackendException Unexpected(GcpReply reply, string what) =>
        new(BackendFailure.BadResponse, $"GCP Secret Manager answered {what} with {Describe(reply)}.");

    public static string Describe(GcpReply reply) =>
        reply.ErrorStatus is { } status ? $"HTTP {(int)reply.StatusCode} {status}" : $"HTTP {(int)reply.StatusCode}";

    private async Task<GcpReply> AttemptAsync(HttpMethod method, string relativeUrl, object? body, CancellationToken ct)
    {
        var token = await _tokens.GetAsync(ct);
        var reply = await SendOnceAsync(method, relativeUrl, body, token, ct);
        if (reply.StatusCode == HttpStatusCode.Unauthorized)
        {
            // The token may have been revoked or have expired early: one fresh token, one more try.
            token = await _tokens.RefreshAsync(ct);
            reply = await SendOnceAsync(method, relativeUrl, body, token, ct);
        }
        return reply;
    }

    private async Task<GcpReply> SendOnceAsync(HttpMethod method, string relativeUrl, object? body, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, relativeUrl);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: GcpJson.Options);
        _countCall();
        using var response = await _http.SendAsync(request, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        return new GcpReply(response.StatusCode, bytes, response.IsSuccessStatusCode ? null : ErrorStatus(response, bytes));
    }

    /// <summary>The <c>status</c> of a google.rpc.Status error body; null for the HTML pages Google serves for unknown URLs.</summary>
    private static string? ErrorStatus(HttpResponseMessage response, byte[] body)
    {
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true) return null;
        try
        {
            return JsonSerializer.Deserialize<GcpErrorEnvelope>(body, GcpJson.Options)?.Error?.Status;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsTransient(Outcome<GcpReply> outcome) => outcome switch
    {
        { Exception: HttpRequestException } => true,
        { Exception: TokenResponseException e } => e.StatusCode is { } code && IsTransient(code),
        { Result: { } reply } => IsTransient(reply.StatusCode) || reply is { StatusCode: HttpStatusCode.Conflict, ErrorStatus: "ABORTED" },
        _ => false,
    };

    private static bool IsTransient(HttpStatusCode code) =>
        code is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private FederationBackendException TokenRefused(TokenResponseException e, string what)
    {
        if (e.StatusCode is { } code && IsTransient(code))
            return new FederationBackendException(code == HttpStatusCode.TooManyRequests ? BackendFailure.Throttled : BackendFailure.Unavailable,
                $"The GCP token endpoint failed for {what} (HTTP {(int)code}) after retries.");
        // A refused key may have been rotated in ScaiVault since it was loaded: read it again next time.
        _tokens.Forget();
        // The OAuth error code (invalid_grant, ...) is safe to show; the description is left out.
        return new FederationBackendException(BackendFailure.AccessDenied,
            $"The GCP token endpoint refused the credentials for {what}: {e.Error?.Error ?? "no error code"}"
            + (e.StatusCode is { } status ? $" (HTTP {(int)status})." : "."));
    }
}
