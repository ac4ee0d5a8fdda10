using System.Text.Json;
using ScaiVault.Domain.Policies;
using ScaiVault.Http.Secrets;

namespace ScaiVault.Http.Policies;

/// <summary>The wire shape of a policy (snake_case, ISO 8601 UTC times), shared by its endpoints.</summary>
public static class PolicyJson
{
    public static void Write(Utf8JsonWriter json, Policy policy)
    {
        json.WriteStartObject();
        json.WriteString("name", policy.Name);
        json.WriteString("description", policy.Description);
        json.WriteNumber("priority", policy.Priority);
        json.WriteStartArray("rules");
        foreach (var rule in policy.Rules)
        {
            json.WriteStartObject();
            json.WriteString("path", rule.Path);
            json.WriteStartArray("actions");
            foreach (var action in rule.Actions) json.WriteStringValue(action.ToWire());
            json.WriteEndArray();
            json.WriteString("effect", rule.Effect.ToWire());
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("bindings");
        foreach (var subject in policy.Bindings) json.WriteStringValue(subject);
        json.WriteEndArray();
        SecretJson.WriteTime(json, "created_at", policy.CreatedAt);
        json.WriteString("created_by", policy.CreatedBy);
        SecretJson.WriteTime(json, "updated_at", policy.UpdatedAt);
        json.WriteString("updated_by", policy.UpdatedBy);
        json.WriteEndObject();
    }
}
