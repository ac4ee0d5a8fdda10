using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation.Mapping;

/// <summary>
/// The optional per-entry <c>transform</c> of a mapping: how a backend value becomes a ScaiVault value.
/// <c>none</c> (default) keeps the adapter's shape; <c>string</c> makes it a string secret (a JSON value
/// keeps its text); <c>field:NAME</c> takes one top-level field of a JSON object as a string secret
/// (a Vault KV entry holding a single password, say).
/// </summary>
public sealed record ValueTransform(string Kind, string? Field)
{
    public static readonly ValueTransform None = new("none", null);

    public static bool TryParse(string? text, [NotNullWhen(true)] out ValueTransform? transform, out string error)
    {
        error = "";
        transform = null;
        switch (text)
        {
            case null or "" or "none": transform = None; return true;
            case "string": transform = new ValueTransform("string", null); return true;
        }
        if (text.StartsWith("field:", StringComparison.Ordinal) && text.Length > 6 && text.Length <= 134 && !text.Any(char.IsControl))
        {
            transform = new ValueTransform("field", text[6..]);
            return true;
        }
        error = "must be none, string or field:NAME.";
        return false;
    }

    /// <summary>The transformed value, or why it cannot be (for the sync report; never the value itself).</summary>
    public (RemoteSecretValue? Value, string? Error) Apply(RemoteSecretValue value)
    {
        switch (Kind)
        {
            case "string" when value.SecretType == SecretType.Json:
                return (value with { SecretType = SecretType.String }, null);
            case "string":
                return (value with { SecretType = SecretType.String }, null);
            case "field":
                if (value.SecretType != SecretType.Json) return (null, $"transform field:{Field} needs a JSON object value.");
                try
                {
                    using var doc = JsonDocument.Parse(value.Bytes);
                    if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty(Field!, out var field))
                        return (null, $"transform field:{Field}: the value has no such field.");
                    var text = field.ValueKind == JsonValueKind.String ? field.GetString()! : field.GetRawText();
                    return (new RemoteSecretValue(SecretType.String, Encoding.UTF8.GetBytes(text)), null);
                }
                catch (JsonException)
                {
                    return (null, $"transform field:{Field}: the value is not JSON.");
                }
            default:
                return (value, null);
        }
    }
}
