using ScaiVault.Federation;
using ScaiVault.Http.Errors;

namespace ScaiVault.Http.Federation;

/// <summary>How a backend failure is answered: 502 (our side of the configuration is wrong, or the backend spoke nonsense), 503, 504.</summary>
public static class BackendFailures
{
    public static ApiError ToApiError(BackendFailure failure, string backendId) => failure switch
    {
        BackendFailure.Timeout => new(504, FederationErrorCodes.BackendTimeout,
            $"Federation backend {backendId} did not answer in time; retry later."),
        BackendFailure.Unavailable => new(503, FederationErrorCodes.BackendUnavailable,
            $"Federation backend {backendId} cannot be reached right now; retry later."),
        BackendFailure.Throttled => new(503, FederationErrorCodes.BackendThrottled,
            $"Federation backend {backendId} is throttling requests; retry later."),
        BackendFailure.AccessDenied => new(502, FederationErrorCodes.BackendAccessDenied,
            $"Federation backend {backendId} refused ScaiVault's credentials; check the backend's auth configuration."),
        BackendFailure.NameNotRepresentable => new(502, FederationErrorCodes.NameNotRepresentable,
            $"The path maps to a name federation backend {backendId} cannot hold; change the backend's path_mapping."),
        BackendFailure.CredentialsUnusable => new(502, FederationErrorCodes.CredentialsUnusable,
            $"The credentials of federation backend {backendId} cannot be read from ScaiVault; check its auth_config_path / credentials_path."),
        _ => new(502, FederationErrorCodes.BackendBadResponse,
            $"Federation backend {backendId} answered something ScaiVault cannot use."),
    };

    public static string ToWire(this BackendFailure failure) => failure switch
    {
        BackendFailure.Unavailable => "unavailable",
        BackendFailure.Timeout => "timeout",
        BackendFailure.Throttled => "throttled",
        BackendFailure.AccessDenied => "access_denied",
        BackendFailure.BadResponse => "bad_response",
        BackendFailure.NameNotRepresentable => "name_not_representable",
        _ => "credentials_unusable",
    };

    /// <summary>
    /// Runs one backend call within a time bound. Anything the adapter throws becomes a
    /// <see cref="FederationBackendException"/> (an adapter bug must not turn into a 500 or a stuck sync).
    /// </summary>
    public static async Task<T> BoundedAsync<T>(TimeSpan limit, CancellationToken outer, Func<CancellationToken, Task<T>> call)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(outer);
        timeout.CancelAfter(limit);
        try
        {
            return await call(timeout.Token).WaitAsync(timeout.Token);
        }
        catch (FederationBackendException)
        {
            throw;
        }
        catch (OperationCanceledException) when (!outer.IsCancellationRequested)
        {
            throw new FederationBackendException(BackendFailure.Timeout, $"No answer within {limit.TotalMilliseconds:0} ms.");
        }
        catch (HttpRequestException e)
        {
            throw new FederationBackendException(BackendFailure.Unavailable, "The backend could not be reached.", e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new FederationBackendException(BackendFailure.BadResponse, $"The backend adapter failed ({e.GetType().Name}).", e);
        }
    }
}

public static class FederationErrorCodes
{
    public const string ProxyReadOnly = "federation_proxy_read_only";
    public const string BackendTimeout = "federation_backend_timeout";
    public const string BackendUnavailable = "federation_backend_unavailable";
    public const string BackendThrottled = "federation_backend_throttled";
    public const string BackendAccessDenied = "federation_backend_access_denied";
    public const string BackendBadResponse = "federation_backend_bad_response";
    public const string CredentialsUnusable = "federation_credentials_unusable";
    public const string ProxyVersionUnavailable = "federation_version_unavailable";
    public const string UnknownType = "unknown_backend_type";
    public const string NotSyncMode = "federation_not_sync_mode";
    public const string NameNotRepresentable = "federation_name_not_representable";
}
