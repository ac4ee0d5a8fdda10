using System.Net.Sockets;
using Azure;
using Azure.Identity;

namespace ScaiVault.Federation.Azure;

/// <summary>
/// Turns what the Azure SDK throws into <see cref="FederationBackendException"/>. The SDK's own messages
/// quote response bodies and headers, so they are never passed on (nor kept as inner exceptions); ours
/// name the operation, the status and Azure's error code only.
/// </summary>
internal static class AzureFailures
{
    public static FederationBackendException Map(Exception e, string operation, CancellationToken ct) => Unwrap(e) switch
    {
        RequestFailedException { Status: 429 } r => new(BackendFailure.Throttled,
            $"Azure Key Vault kept throttling {operation} (429{Code(r)}) after the configured retries."),
        RequestFailedException { Status: 401 or 403 } r => new(BackendFailure.AccessDenied,
            $"Azure Key Vault refused {operation} ({r.Status}{Code(r)}): check the identity's access policy or RBAC role on the vault."),
        RequestFailedException { Status: 0 } r => new(BackendFailure.Unavailable,
            $"Azure Key Vault could not be reached for {operation}: {Transport(r.InnerException)}."),
        RequestFailedException { Status: >= 500 } r => new(BackendFailure.Unavailable,
            $"Azure Key Vault answered {r.Status}{Code(r)} to {operation}."),
        RequestFailedException r => new(BackendFailure.BadResponse,
            $"Azure Key Vault answered {r.Status}{Code(r)} to {operation}."),
        CredentialUnavailableException => new(BackendFailure.AccessDenied,
            $"No Azure identity is available for {operation}: managed_identity needs an identity endpoint on this host (IMDS, App Service, ...)."),
        AuthenticationFailedException a when IsTransport(a) => new(BackendFailure.Unavailable,
            $"The Azure token endpoint could not be reached for {operation}."),
        AuthenticationFailedException => new(BackendFailure.AccessDenied,
            $"Azure refused the configured credentials when getting a token for {operation}: check tenant_id, client_id and the secret or certificate."),
        OperationCanceledException when !ct.IsCancellationRequested => new(BackendFailure.Timeout,
            $"Azure Key Vault did not answer {operation} within the configured timeout."),
        InvalidOperationException => new(BackendFailure.BadResponse,
            $"Azure Key Vault's answer to {operation} could not be used (authentication challenge or response format)."),
        var other => new(BackendFailure.BadResponse, $"Azure Key Vault's answer to {operation} could not be used ({other.GetType().Name})."),
    };

    public static bool IsMapped(Exception e, CancellationToken ct) =>
        e is AggregateException or RequestFailedException or AuthenticationFailedException or InvalidOperationException or System.Text.Json.JsonException
        || (e is OperationCanceledException && !ct.IsCancellationRequested);

    // After its last retry the SDK throws an AggregateException of every attempt's failure; the last one counts.
    private static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerExceptions.Count: > 0 } a ? Unwrap(a.InnerExceptions[^1]) : e;

    private static string Code(RequestFailedException r) => string.IsNullOrEmpty(r.ErrorCode) ? "" : " " + r.ErrorCode;

    private static bool IsTransport(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is HttpRequestException or SocketException or RequestFailedException { Status: 0 }) return true;
        return false;
    }

    private static string Transport(Exception? e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is SocketException s) return $"connection failed ({s.SocketErrorCode})";
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is System.Security.Authentication.AuthenticationException) return "the TLS handshake failed (is config.ca_cert needed?)";
        return "the connection failed";
    }
}
