using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation.Vault;

/// <summary>How Vault's JSON maps to ScaiVault values, tags and times, both ways.</summary>
internal static class VaultValues
{
    /// <summary>A Vault secret is a JSON object: it arrives as a json value holding exactly that object.</summary>
    public static RemoteSecretValue FromObject(JsonElement data) =>
        new(SecretType.Json, Encoding.UTF8.GetBytes(data.GetRawText()));

    /// <summary>
    /// Vault stores only JSON objects. A json object is written as is; any other json value, a string
    /// or binary value is wrapped as <c>{"value": ...}</c> (binary base64 with <c>"encoding": "base64"</c>),
    /// which is also what other Vault clients conventionally read. It reads back as a json value.
    /// </summary>
    public static JsonObject ToObject(RemoteSecretValue value)
    {
        switch (value.SecretType)
        {
            case SecretType.Json:
                JsonNode? node;
                try { node = JsonNode.Parse(value.Bytes); }
                catch (JsonException) { throw new ArgumentException("a json value must hold valid JSON", nameof(value)); }
                return node as JsonObject ?? new JsonObject { ["value"] = node };
            case SecretType.String:
                return new JsonObject { ["value"] = Encoding.UTF8.GetString(value.Bytes) };
            default:
                return new JsonObject { ["value"] = Convert.ToBase64String(value.Bytes), ["encoding"] = "base64" };
        }
    }

    /// <summary><c>custom_metadata</c> as sorted <c>key=value</c> tags.</summary>
    public static IReadOnlyList<string> Tags(JsonElement metadata) =>
        metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("custom_metadata", out var custom) && custom.ValueKind == JsonValueKind.Object
            ? custom.EnumerateObject().Select(p => $"{p.Name}={p.Value}").Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>RFC 3339 with up to 9 fractional digits (.NET parses at most 7); empty means unset.</summary>
    public static DateTimeOffset? Time(JsonElement element, string property)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.String)
            return null;
        var text = value.GetString()!;
        if (text.Length == 0) return null;
        var dot = text.IndexOf('.');
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
            if (end - dot - 1 > 7) text = text[..(dot + 8)] + text[end..];
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
    }

    public static bool Flag(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.True;
}
