using System.Text.Json;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Http.Secrets;

/// <summary>Wire names and shapes shared by the secret endpoints (snake_case, ISO 8601 UTC times).</summary>
public static class SecretJson
{
    public static void WriteMetadata(Utf8JsonWriter json, SecretMetadata metadata)
    {
        json.WriteStartObject("metadata");
        json.WriteStartArray("tags");
        foreach (var tag in metadata.Tags) json.WriteStringValue(tag);
        json.WriteEndArray();
        json.WriteString("description", metadata.Description);
        json.WriteString("owner", metadata.Owner);
        foreach (var (key, value) in metadata.Custom) json.WriteString(key, value);
        json.WriteEndObject();
    }

    public static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } t) json.WriteString(name, t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"));
        else json.WriteNull(name);
    }

    public static string Wire(this VersionState state) => state switch
    {
        VersionState.Active => "active",
        VersionState.SoftDeleted => "deleted",
        VersionState.Destroyed => "destroyed",
        _ => "unknown",
    };
}
