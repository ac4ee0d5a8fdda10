using System.Text;
using System.Text.Json;
using Azure.Security.KeyVault.Secrets;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation.Azure;

/// <summary>
/// Azure Key Vault values are strings; <c>contentType</c> says what they hold. Reading: a content type
/// whose media type is <c>application/octet-stream</c> or that mentions <c>base64</c> means base64 bytes
/// (Binary); <c>application/json</c> (or any <c>+json</c>/<c>json</c> type), or no content type and a
/// string that parses as a JSON object, means Json; anything else is String. Writing uses
/// <c>application/json</c>, <c>text/plain; charset=utf-8</c> and <c>application/octet-stream; encoding=base64</c>.
/// </summary>
public static class AzureValues
{
    public const string JsonContentType = "application/json";
    public const string StringContentType = "text/plain; charset=utf-8";
    public const string BinaryContentType = "application/octet-stream; encoding=base64";

    public static RemoteSecretValue FromAzure(string value, string? contentType)
    {
        var media = contentType?.Split(';')[0].Trim().ToLowerInvariant() ?? "";
        if (media == "application/octet-stream" || contentType?.Contains("base64", StringComparison.OrdinalIgnoreCase) == true)
        {
            var buffer = new byte[value.Length];
            if (Convert.TryFromBase64String(value, buffer, out var written))
                return new RemoteSecretValue(SecretType.Binary, buffer[..written]);
            // Labelled binary but not base64: keep the text rather than lose it.
            return new RemoteSecretValue(SecretType.String, Encoding.UTF8.GetBytes(value));
        }
        var bytes = Encoding.UTF8.GetBytes(value);
        var saysJson = media == "json" || media.EndsWith("/json", StringComparison.Ordinal) || media.EndsWith("+json", StringComparison.Ordinal);
        if ((saysJson || media.Length == 0) && IsJsonObject(bytes)) return new RemoteSecretValue(SecretType.Json, bytes);
        return new RemoteSecretValue(SecretType.String, bytes);
    }

    public static KeyVaultSecret ToAzure(string azureName, RemoteSecretValue value)
    {
        var (text, contentType) = value.SecretType switch
        {
            SecretType.Binary => (Convert.ToBase64String(value.Bytes), BinaryContentType),
            SecretType.Json => (StrictUtf8(value.Bytes), JsonContentType),
            _ => (StrictUtf8(value.Bytes), StringContentType),
        };
        var secret = new KeyVaultSecret(azureName, text);
        secret.Properties.ContentType = contentType;
        return secret;
    }

    private static string StrictUtf8(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new FederationBackendException(BackendFailure.BadResponse,
                "A string or JSON value must be UTF-8 to be stored in Azure Key Vault; store bytes as a binary secret.");
        }
    }

    private static bool IsJsonObject(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
