using System.Text;
using System.Text.Json;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Errors;

namespace ScaiVault.Http.Secrets;

/// <summary>
/// Turns <c>data</c> into the bytes that get sealed, per secret type, and back. A json secret keeps its
/// exact JSON text (numbers are not re-rounded), a string secret its UTF-8, a binary secret its bytes.
/// </summary>
public static class SecretValueCodec
{
    public const int MaxValueBytes = 64 * 1024;

    public static (byte[] Plaintext, ApiError? Error) Encode(SecretType type, JsonElement data)
    {
        byte[] bytes;
        switch (type)
        {
            case SecretType.Json when data.ValueKind == JsonValueKind.Object:
                bytes = Encoding.UTF8.GetBytes(data.GetRawText());
                break;
            case SecretType.Json:
                return ([], Invalid("A json secret's data must be a JSON object."));
            case SecretType.String when data.ValueKind == JsonValueKind.String:
                bytes = Encoding.UTF8.GetBytes(data.GetString()!);
                break;
            case SecretType.String:
                return ([], Invalid("A string secret's data must be a JSON string."));
            case SecretType.Binary when data.ValueKind == JsonValueKind.String:
                // Convert accepts embedded whitespace; a stored value should have one spelling only.
                var base64 = data.GetString()!;
                if (base64.Any(char.IsWhiteSpace)) return ([], Invalid("A binary secret's data must be standard base64 (RFC 4648, with padding) without whitespace."));
                try { bytes = Convert.FromBase64String(base64); }
                catch (FormatException) { return ([], Invalid("A binary secret's data must be standard base64 (RFC 4648, with padding).")); }
                break;
            case SecretType.Binary:
                return ([], Invalid("A binary secret's data must be a base64 string."));
            default:
                return ([], Invalid("Unknown secret type."));
        }
        return bytes.Length > MaxValueBytes
            ? ([], new ApiError(413, "value_too_large", $"The secret value is larger than {MaxValueBytes / 1024} KiB."))
            : (bytes, null);
    }

    /// <summary>Writes a decrypted value as the <c>data</c> property of a response.</summary>
    public static void WriteData(Utf8JsonWriter json, SecretType type, byte[] plaintext)
    {
        json.WritePropertyName("data");
        switch (type)
        {
            case SecretType.Json: json.WriteRawValue(plaintext, skipInputValidation: true); break;
            case SecretType.String: json.WriteStringValue(Encoding.UTF8.GetString(plaintext)); break;
            default: json.WriteBase64StringValue(plaintext); break;
        }
    }

    private static ApiError Invalid(string message) => ApiError.BadRequest(ErrorCodes.InvalidValue, message);
}
