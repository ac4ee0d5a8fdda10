namespace ScaiKeyDev;

/// <summary>
/// What a token says about its holder. Empty <see cref="Groups"/>, <see cref="Roles"/> or
/// <see cref="Scopes"/> leave the claim out of the token rather than writing an empty value.
/// </summary>
public sealed record TokenRequest
{
    public required string Subject { get; init; }
    public required string Tenant { get; init; }
    public IReadOnlyList<string> Groups { get; init; } = [];
    public IReadOnlyList<string> Roles { get; init; } = [];
    public IReadOnlyList<string> Scopes { get; init; } = [];
    public TimeSpan Ttl { get; init; } = Defaults.Ttl;
    public string Issuer { get; init; } = Defaults.Issuer;
    public string Audience { get; init; } = Defaults.Audience;
}
