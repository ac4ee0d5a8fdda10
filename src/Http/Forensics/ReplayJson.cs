using System.Text.Json;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Policies;
using ScaiVault.Http.Secrets;

namespace ScaiVault.Http.Forensics;

/// <summary>
/// The wire shape of every replay answer, written by the HTTP endpoints and printed by the host commands alike.
/// Shapes follow the live endpoints (metadata, policies) plus <c>at</c> and <c>last_event</c>.
/// </summary>
public static class ReplayJson
{
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");

    /// <summary>A secret as of a time, shaped like <c>GET /v1/metadata/{path}</c>; <c>value</c> only when one was asked for.</summary>
    public static void WriteSecret(Utf8JsonWriter json, SecretAsOf replayed, ValueAsOf? value)
    {
        var secret = replayed.Secret;
        json.WriteStartObject();
        json.WriteString("path", replayed.Path);
        json.WriteString("at", Time(replayed.At));
        WriteMark(json, replayed.LastEvent);
        json.WriteString("status", secret.Deleted ? "deleted" : "active");
        json.WriteNumber("current_version", secret.LastVersion);
        json.WriteString("secret_type", secret.SecretType.ToWire());
        json.WriteNumber("max_versions", secret.MaxVersions);
        SecretJson.WriteMetadata(json, secret.Metadata);
        SecretJson.WriteTime(json, "created_at", secret.CreatedAt);
        SecretJson.WriteTime(json, "updated_at", secret.UpdatedAt);
        json.WriteStartArray("versions");
        // As the live metadata answer does: versions from before a whole-secret delete belong to the path's previous
        // life, unless the secret is deleted as of the time, when they are all there is to show.
        foreach (var v in replayed.History?.Versions.Where(v => secret.Deleted || v.CreatedAt >= secret.CreatedAt) ?? [])
        {
            json.WriteStartObject();
            json.WriteNumber("version", v.Version);
            json.WriteString("secret_type", v.SecretType.ToWire());
            json.WriteString("state", v.State.Wire());
            SecretJson.WriteTime(json, "created_at", v.CreatedAt);
            json.WriteString("created_by", v.CreatedBy);
            SecretJson.WriteTime(json, "deleted_at", v.DeletedAt);
            SecretJson.WriteTime(json, "destroyed_at", v.DestroyedAt);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (value is not null)
        {
            json.WriteStartObject("value");
            json.WriteNumber("version", value.Version);
            json.WriteString("secret_type", value.SecretType.ToWire());
            SecretValueCodec.WriteData(json, value.SecretType, value.Plaintext);
            SecretJson.WriteTime(json, "created_at", value.CreatedAt);
            json.WriteString("created_by", value.CreatedBy);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    /// <summary>The policies as of a time, each shaped like <c>GET /v1/policies/{name}</c>.</summary>
    public static void WritePolicies(Utf8JsonWriter json, PoliciesAsOf replayed)
    {
        json.WriteStartObject();
        json.WriteString("at", Time(replayed.At));
        WriteMark(json, replayed.LastEvent);
        json.WriteStartArray("policies");
        foreach (var policy in replayed.Policies) PolicyJson.Write(json, policy);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteAccess(Utf8JsonWriter json, AccessAsOf access)
    {
        json.WriteStartObject();
        json.WriteString("identity_id", access.IdentityId);
        json.WriteString("path", access.Path);
        json.WriteString("action", access.Action.ToWire());
        json.WriteString("at", Time(access.At));
        WriteMark(json, access.LastEvent);
        json.WriteBoolean("allowed", access.Allowed);
        json.WriteString("reason", access.Reason);
        json.WriteString("policy", access.Decision.PolicyName);
        if (access.Decision.RuleIndex is { } index) json.WriteNumber("rule_index", index);
        else json.WriteNull("rule_index");
        json.WriteStartObject("identity");
        var known = access.Identity;
        json.WriteBoolean("known", known is not null);
        json.WriteBoolean("profile_known", known?.ProfileKnown ?? false);
        json.WriteBoolean("deleted", known?.Deleted ?? false);
        json.WriteBoolean("disabled", known?.Disabled ?? false);
        WriteStrings(json, "groups", known?.Groups ?? []);
        WriteStrings(json, "removed_groups", known?.RemovedGroups ?? []);
        json.WriteEndObject();
        WriteStrings(json, "token_groups", access.TokenGroups);
        WriteStrings(json, "subjects", access.Subjects);
        WriteStrings(json, "bound_policies", [.. access.Bound.Select(p => p.Name)]);
        json.WriteEndObject();
    }

    private static void WriteMark(Utf8JsonWriter json, EventMark? mark)
    {
        if (mark is null)
        {
            json.WriteNull("last_event");
            return;
        }
        json.WriteStartObject("last_event");
        json.WriteNumber("sequence", mark.Sequence);
        json.WriteString("recorded_at", Time(mark.RecordedAt));
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    }
}
