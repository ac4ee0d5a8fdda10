using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScaiVault.Federation.Gcp;

// GSM REST v1 shapes (proto3 JSON: lowerCamelCase, int64 as strings, empty fields omitted);
// only the fields the adapter reads. See shared reference backends.md §4.

internal sealed record GcpSecret(string Name, Dictionary<string, string>? Labels, DateTimeOffset? CreateTime, DateTimeOffset? ExpireTime);

internal sealed record GcpSecretList(List<GcpSecret>? Secrets, string? NextPageToken);

internal sealed record GcpSecretVersion(string Name, DateTimeOffset? CreateTime, string? State);

internal sealed record GcpSecretVersionList(List<GcpSecretVersion>? Versions, string? NextPageToken);

internal sealed record GcpPayload(string? Data, string? DataCrc32c);

internal sealed record GcpAccessResponse(string Name, GcpPayload? Payload);

internal sealed record GcpStatus(int Code, string? Message, string? Status);

internal sealed record GcpErrorEnvelope(GcpStatus? Error);

internal sealed record GcpAddVersionRequest(GcpPayload Payload);

internal sealed record GcpCreateSecretRequest(GcpReplication Replication);

internal sealed record GcpReplication(JsonElement Automatic);

internal static class GcpJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>The last segment of a resource name: <c>projects/1/secrets/db/versions/3</c> → <c>3</c>.</summary>
    public static string LastSegment(string resourceName) => resourceName[(resourceName.LastIndexOf('/') + 1)..];
}
