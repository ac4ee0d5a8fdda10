using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ScaiVault.Fakes.Gcp;

/// <summary>
/// A service-account JSON key made in code (fresh RSA-2048 key pair), shaped like the files GCP issues,
/// whose <c>token_uri</c> points at the fake's token endpoint.
/// </summary>
public sealed record FakeGcpServiceAccountKey(string ClientEmail, string PrivateKeyId, string Json, RSA PublicKey)
{
    public byte[] JsonBytes => Encoding.UTF8.GetBytes(Json);

    public static FakeGcpServiceAccountKey Create(string clientEmail, string tokenUri)
    {
        using var rsa = RSA.Create(2048);
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var json = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = FakeGcpSecretManager.ProjectId,
            ["private_key_id"] = keyId,
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem() + "\n",
            ["client_email"] = clientEmail,
            ["client_id"] = "100000000000000000001",
            ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
            ["token_uri"] = tokenUri,
        });
        var publicKey = RSA.Create();
        publicKey.ImportSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo(), out _);
        return new FakeGcpServiceAccountKey(clientEmail, keyId, json, publicKey);
    }
}
