namespace ScaiKeyDev;

/// <summary>The values ScaiVault expects unless told otherwise (see docs/local-identity.md).</summary>
public static class Defaults
{
    public const string Issuer = "https://scaikey.local";
    public const string Audience = "scaivault";
    public const int ServePort = 8210;
    public const string JwksRoute = "/.well-known/jwks.json";
    public static readonly TimeSpan Ttl = TimeSpan.FromHours(1);
}
