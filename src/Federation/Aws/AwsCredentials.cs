namespace ScaiVault.Federation.Aws;

/// <summary>
/// An AWS key pair, with the session token and expiry of temporary (STS) credentials. Kept in memory
/// only; <see cref="ToString"/> is overridden so a log line or exception can never print the keys.
/// </summary>
public sealed record AwsCredentials(
    string AccessKeyId,
    string SecretAccessKey,
    string? SessionToken = null,
    DateTimeOffset? Expiration = null)
{
    public override string ToString() => $"AwsCredentials({(SessionToken is null ? "static" : "session")}, redacted)";
}
