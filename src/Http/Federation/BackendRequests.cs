using System.Text.Json;
using ScaiVault.Domain.Federation;
using ScaiVault.Federation;
using ScaiVault.Federation.Mapping;
using ScaiVault.Federation.Sync;
using ScaiVault.Http.Errors;

namespace ScaiVault.Http.Federation;

/// <summary>
/// Reads the body of POST (all required fields) and PATCH (any subset, merged onto the current settings) of
/// a backend, then validates the result as a whole. Every error names its field: <c>type</c>, <c>mode</c>,
/// <c>sync_interval</c>, <c>path_mapping.…</c>, and the type's own <c>config.…</c> rules.
/// </summary>
public static class BackendRequestReader
{
    private static readonly string[] Fields = ["name", "type", "config", "path_mapping", "mode", "sync_interval", "conflict_resolution", "write_through"];

    public const int MaxNameLength = 128;

    public static (BackendSettings? Settings, ApiError? Error) Read(JsonElement root, BackendSettings? current, BackendFactories factories)
    {
        var unknown = root.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !Fields.Contains(n));
        if (unknown is not null)
            return Fail(unknown.Length <= 64 ? unknown : unknown[..64] + "…", $"is not a field of a federation backend; known fields are: {string.Join(", ", Fields)}.");
        bool Has(string name, out JsonElement value) => root.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

        string? name = current?.Name, type = current?.Type, interval = current?.SyncInterval;
        var config = current?.Config;
        var mapping = current?.PathMapping;
        var mode = current?.Mode;
        var resolution = current?.ConflictResolution ?? ConflictResolution.BackendWins;
        var writeThrough = current?.WriteThrough ?? false;

        if (Has("name", out var nameElement))
        {
            if (nameElement.ValueKind != JsonValueKind.String) return Fail("name", "must be a string.");
            name = nameElement.GetString();
        }
        if (Has("type", out var typeElement))
        {
            if (typeElement.ValueKind != JsonValueKind.String) return Fail("type", "must be a string.");
            var sent = typeElement.GetString()!;
            if (current is not null && sent != current.Type)
                return Fail("type", "cannot change; remove the backend and configure a new one.");
            type = sent;
        }
        if (Has("config", out var configElement))
        {
            if (configElement.ValueKind != JsonValueKind.Object) return Fail("config", "must be an object.");
            config = configElement.Clone();
        }
        if (Has("path_mapping", out var mappingElement))
        {
            var (rules, mappingError) = PathMapping.Parse(mappingElement);
            if (mappingError is not null) return Fail(mappingError.Field, mappingError.Message);
            mapping = rules;
        }
        if (Has("mode", out var modeElement))
        {
            if (modeElement.ValueKind != JsonValueKind.String || !FederationWire.TryParseMode(modeElement.GetString(), out var parsed))
                return Fail("mode", "must be proxy or sync.");
            mode = parsed;
        }
        if (root.TryGetProperty("sync_interval", out var intervalElement))
        {
            if (intervalElement.ValueKind == JsonValueKind.Null) interval = null;
            else if (intervalElement.ValueKind != JsonValueKind.String) return Fail("sync_interval", "must be a string such as 15m.");
            else interval = intervalElement.GetString();
        }
        if (Has("conflict_resolution", out var resolutionElement))
        {
            if (resolutionElement.ValueKind != JsonValueKind.String || !FederationWire.TryParseResolution(resolutionElement.GetString(), out var parsed))
                return Fail("conflict_resolution", "must be backend_wins, local_wins or manual.");
            resolution = parsed;
        }
        if (Has("write_through", out var writeThroughElement))
        {
            if (writeThroughElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return Fail("write_through", "must be true or false.");
            writeThrough = writeThroughElement.GetBoolean();
        }

        if (string.IsNullOrEmpty(name)) return Fail("name", "is required.");
        if (name.Length > MaxNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            return Fail("name", $"must be 1 to {MaxNameLength} letters, digits or - _ . characters.");
        if (string.IsNullOrEmpty(type)) return Fail("type", $"is required: one of {string.Join(", ", factories.Types)}.");
        var factory = factories.Find(type);
        if (factory is null)
            return Fail("type", $"'{(type.Length <= 64 ? type : type[..64])}' is not a backend type this server knows; known are: {string.Join(", ", factories.Types)}.");
        if (config is null) return Fail("config", "is required.");
        if (factory.Validate(config.Value) is [var first, ..]) return Fail(first.Field, first.Message);
        if (mapping is null) return Fail("path_mapping", "is required.");
        if (mode is null) return Fail("mode", "is required: proxy or sync.");
        if (mode == FederationMode.Sync)
        {
            if (interval is null) return Fail("sync_interval", "is required in sync mode (e.g. 15m).");
        }
        if (interval is not null && !SyncIntervals.TryParse(interval, out _, out var intervalError)) return Fail("sync_interval", intervalError);
        if (writeThrough && mode != FederationMode.Sync) return Fail("write_through", "applies to sync mode only (proxied paths are read-only).");
        // A field transform keeps one field of the backend's value: the rest of it could not be written back.
        if (writeThrough && mapping.FirstOrDefault(r => r.Transform?.StartsWith("field:", StringComparison.Ordinal) == true) is { } lossy)
            return Fail("write_through", $"cannot be used with the transform '{lossy.Transform}' of mapping entry '{lossy.Pattern}': a single field cannot be written back as the whole value.");

        return (new BackendSettings(name, type, config.Value, mapping, mode.Value, interval, resolution, writeThrough), null);
    }

    private static (BackendSettings?, ApiError?) Fail(string field, string message) =>
        (null, ApiError.BadRequest(ErrorCodes.InvalidRequest, $"{field} {message}"));
}
