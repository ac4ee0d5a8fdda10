using System.Net;

namespace ScaiVault.Federation.Aws;

/// <summary>Retry and pacing knobs; the defaults suit production, tests shrink the delays.</summary>
public sealed record AwsCallTuning(int MaxAttempts = 5, TimeSpan? BaseDelay = null, TimeSpan? MaxDelay = null, TimeSpan? RefreshBeforeExpiry = null)
{
    public TimeSpan Base => BaseDelay ?? TimeSpan.FromMilliseconds(100);
    public TimeSpan Cap => MaxDelay ?? TimeSpan.FromSeconds(5);
    public TimeSpan RefreshMargin => RefreshBeforeExpiry ?? TimeSpan.FromMinutes(5);
}

/// <summary>An error the service answered (after retries), by its bare code (<c>ResourceNotFoundException</c>).</summary>
/// <remarks>
/// The service's own message text is dropped on purpose: for signature errors AWS echoes the canonical
/// request, which holds the session token.
/// </remarks>
internal sealed class AwsServiceException(string code, int status) : Exception($"AWS answered {code} (HTTP {status}).")
{
    public string Code { get; } = code;
    public int Status { get; } = status;
}

internal sealed record AwsError(string Code);

/// <summary>
/// Every outbound AWS call of one backend goes through here: the per-backend rate cap, signing with
/// fresh credentials, a bounded timeout, retries with exponential backoff and full jitter for
/// throttling and server faults, and the call counter behind <see cref="IFederationBackend.OutboundCalls"/>.
/// </summary>
/// <remarks>
/// Hand-written rather than Polly: the retry decision needs the parsed AWS error code (throttling is an
/// HTTP 400 in this protocol) and every attempt must be re-signed and re-counted, which is the whole loop.
/// </remarks>
internal sealed class AwsCallPipeline : IDisposable
{
    private static readonly HashSet<string> RetryableCodes = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
        "InternalServiceError", "InternalFailure", "ServiceUnavailable", "RequestThrottled",
    };

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly AwsCallTuning _tuning;
    private readonly TimeSpan _timeout;
    private readonly CallRateCap _cap;
    private long _calls;

    public AwsCallPipeline(HttpClient http, TimeProvider time, AwsCallTuning tuning, TimeSpan timeout, double callsPerSecond)
    {
        _http = http;
        _time = time;
        _tuning = tuning;
        _timeout = timeout;
        _cap = new CallRateCap(callsPerSecond, time);
    }

    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Calls waiting for the rate cap right now.</summary>
    public long Queued => _cap.Queued;

    /// <summary>
    /// Sends one logical call, retrying as needed. <paramref name="build"/> makes a fresh unsigned request
    /// per attempt; <paramref name="parseError"/> reads the protocol's error body. Returns the 2xx body.
    /// </summary>
    public async Task<byte[]> SendAsync(
        Func<HttpRequestMessage> build, byte[] body, Func<CancellationToken, ValueTask<AwsCredentials>> credentials,
        string region, string service, string operation, Func<int, byte[], AwsError> parseError, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            Exception? transient;
            var creds = await credentials(ct);
            await _cap.WaitAsync(ct);
            using var request = build();
            SigV4Signer.SignRequest(request, body, creds, region, service, _time.GetUtcNow());
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_timeout);
            Interlocked.Increment(ref _calls);
            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                var status = (int)response.StatusCode;
                if (status is >= 200 and < 300) return bytes;
                var error = parseError(status, bytes);
                if (!RetryableCodes.Contains(error.Code) && status < 500 && status != (int)HttpStatusCode.TooManyRequests)
                    throw new AwsServiceException(error.Code, status);
                transient = new AwsServiceException(error.Code, status);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new FederationBackendException(BackendFailure.Timeout,
                    $"{operation}: no answer from {service} at {request.RequestUri!.Authority} within {_timeout.TotalSeconds:0.###}s.");
            }
            catch (HttpRequestException e)
            {
                transient = e;
            }

            if (attempt >= _tuning.MaxAttempts) throw Exhausted(operation, service, request.RequestUri!, attempt, transient);
            await Task.Delay(Backoff(attempt), _time, ct);
        }
    }

    /// <summary>Full jitter: a uniform delay between zero and the capped exponential bound.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var bound = Math.Min(_tuning.Cap.TotalMilliseconds, _tuning.Base.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * bound);
    }

    private static FederationBackendException Exhausted(string operation, string service, Uri uri, int attempts, Exception last) =>
        last switch
        {
            AwsServiceException { Code: "ThrottlingException" or "Throttling" or "TooManyRequestsException" or "RequestLimitExceeded" or "RequestThrottled" } t =>
                new(BackendFailure.Throttled, $"{operation}: {service} kept throttling ({t.Code}) after {attempts} attempts.", t),
            AwsServiceException s =>
                new(BackendFailure.Unavailable, $"{operation}: {service} answered {s.Code} (HTTP {s.Status}) {attempts} times.", s),
            _ => new(BackendFailure.Unavailable, $"{operation}: cannot reach {service} at {uri.Authority} ({attempts} attempts): {last.Message}", last),
        };

    public void Dispose()
    {
        _cap.Dispose();
        _http.Dispose();
    }
}
