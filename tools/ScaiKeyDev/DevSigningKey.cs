using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace ScaiKeyDev;

/// <summary>An RSA private key with the key id ScaiVault sees in the token header and the JWKS.</summary>
public sealed class DevSigningKey : IDisposable
{
    public RSA Rsa { get; }
    public string KeyId { get; }

    public DevSigningKey(RSA rsa, string keyId)
    {
        Rsa = rsa;
        KeyId = keyId;
    }

    /// <summary>
    /// The key id is the RFC 7638 thumbprint of the public key: the same key always gets the same id, and
    /// <c>init --force</c> yields a new one, so ScaiVault's "unknown kid" refresh picks up a rotated key.
    /// </summary>
    public static DevSigningKey FromRsa(RSA rsa) => new(rsa, Thumbprint(rsa));

    public static DevSigningKey Generate() => FromRsa(RSA.Create(KeyStore.KeySizeBits));

    /// <summary>The public half only, in the shape ScaiKey publishes.</summary>
    public string ToJwks()
    {
        var (n, e) = PublicParts(Rsa);
        var jwks = new { keys = new[] { new { kty = "RSA", use = "sig", alg = SecurityAlgorithms.RsaSha256, kid = KeyId, n, e } } };
        return JsonSerializer.Serialize(jwks, new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static string Thumbprint(RSA rsa)
    {
        var (n, e) = PublicParts(rsa);
        // RFC 7638 fixes the members and their order, so the hash is reproducible by anyone holding the JWKS.
        var canonical = $$"""{"e":"{{e}}","kty":"RSA","n":"{{n}}"}""";
        return Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static (string N, string E) PublicParts(RSA rsa)
    {
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        return (Base64UrlEncoder.Encode(parameters.Modulus!), Base64UrlEncoder.Encode(parameters.Exponent!));
    }

    public void Dispose() => Rsa.Dispose();
}
