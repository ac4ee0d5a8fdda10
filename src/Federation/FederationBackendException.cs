namespace ScaiVault.Federation;

/// <summary>Why a backend call failed, as the proxy answers it (502/503/504) and the sync report records it.</summary>
public enum BackendFailure
{
    /// <summary>Connection refused, DNS, TLS failure, 5xx: the backend cannot be used right now (503).</summary>
    Unavailable,
    /// <summary>No answer within the bounded time (504).</summary>
    Timeout,
    /// <summary>The backend keeps throttling us after retries (503 with Retry-After).</summary>
    Throttled,
    /// <summary>The backend refused our credentials or permissions (502: our config, not the caller, is wrong).</summary>
    AccessDenied,
    /// <summary>The backend answered something we cannot use (502).</summary>
    BadResponse,
    /// <summary>The credential secret in ScaiVault is missing or not in the expected shape (502).</summary>
    CredentialsUnusable,
    /// <summary>The name cannot exist in this backend (its naming rules reject it): nothing was sent. Final for a write-through.</summary>
    NameNotRepresentable,
}

/// <summary>A failure to reach or use a federated backend. The message never holds a value or a credential.</summary>
public sealed class FederationBackendException(BackendFailure failure, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public BackendFailure Failure { get; } = failure;
}
