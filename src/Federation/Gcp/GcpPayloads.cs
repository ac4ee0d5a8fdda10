using System.Text.Json;
using System.Text.Unicode;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation.Gcp;

/// <summary>
/// GSM keeps bytes only. Read: bytes that are a UTF-8 JSON object are a <c>json</c> secret, other
/// valid UTF-8 is a <c>string</c>, anything else <c>binary</c>. Write: the value's bytes as they are
/// (a json secret as its UTF-8 JSON text), so a value written through reads back with the same type.
/// </summary>
public static class GcpPayloads
{
    public const int MaxBytes = 64 * 1024;

    public static RemoteSecretValue Classify(byte[] bytes)
    {
        if (!Utf8.IsValid(bytes)) return new RemoteSecretValue(SecretType.Binary, bytes);
        return new RemoteSecretValue(IsJsonObject(bytes) ? SecretType.Json : SecretType.String, bytes);
    }

    private static bool IsJsonObject(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            reader.Skip();
            return !reader.Read();   // nothing may follow the object
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Standard base64 as GSM sends it; URL-safe accepted too (proto3 JSON allows both).</summary>
    public static bool TryDecodeBase64(string data, out byte[] bytes)
    {
        var standard = data.Replace('-', '+').Replace('_', '/');
        if (standard.Length % 4 != 0) standard = standard.PadRight(standard.Length + (4 - standard.Length % 4), '=');
        bytes = new byte[standard.Length / 4 * 3];
        if (Convert.TryFromBase64String(standard, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }
        bytes = [];
        return false;
    }
}
