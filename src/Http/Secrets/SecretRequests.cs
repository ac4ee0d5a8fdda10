using System.Collections.Immutable;
using System.Text.Json;
using FluentValidation;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;

namespace ScaiVault.Http.Secrets;

/// <summary>
/// The <c>metadata</c> object as sent: <c>tags</c>, <c>description</c>, <c>owner</c>, and any other key is a
/// custom string value. In a PATCH, a null removes a field or custom key.
/// </summary>
public sealed record MetadataInput(
    bool HasTags, IReadOnlyList<string>? Tags,
    bool HasDescription, string? Description,
    bool HasOwner, string? Owner,
    IReadOnlyDictionary<string, string?> Custom)
{
    public SecretMetadata ApplyTo(SecretMetadata current)
    {
        var custom = current.Custom.ToBuilder();
        foreach (var (key, value) in Custom)
        {
            if (value is null) custom.Remove(key);
            else custom[key] = value;
        }
        return new SecretMetadata(
            HasTags ? [.. Tags ?? []] : current.Tags,
            HasDescription ? Description : current.Description,
            HasOwner ? Owner : current.Owner,
            custom.ToImmutable());
    }
}

/// <summary>Body of <c>PUT /v1/secrets/{path}</c>.</summary>
public sealed record WriteSecretBody(JsonElement Data, string SecretType, MetadataInput? Metadata, int? MaxVersions, int? Cas);

/// <summary>Body of <c>PATCH /v1/metadata/{path}</c>: the same shape as a write without data.</summary>
public sealed record UpdateMetadataBody(MetadataInput? Metadata, int? MaxVersions);

/// <summary>Body of the version operations: which versions (none = the current one).</summary>
public sealed record VersionsBody(int[] Versions);

/// <summary>
/// Structural reading of the JSON bodies: wrong JSON types and unknown fields are named precisely.
/// Value rules (ranges, lengths, grammar) live in the FluentValidation validators below.
/// </summary>
/// <summary>The policy check an endpoint needs, bound to its caller and action.</summary>
public sealed record Access(PathAccess Paths, Auth.Caller Caller, PolicyAction Action, CancellationToken Ct)
{
    public Task<ApiError?> CheckAsync(string path) => Paths.CheckAsync(Caller, Action, path, Ct);
}

public static class SecretRequestReader
{
    /// <summary>Path, body, structure and rules, in that order, for every endpoint that takes a body.</summary>
    public static async Task<(string Path, T Body, ApiError? Error)> ReadAsync<T>(HttpContext context, string routePrefix,
        Access access, Func<JsonElement, (T? Body, ApiError? Error)> read, IValidator<T>? validator = null, bool allowEmpty = false)
        where T : class
    {
        if (!SecretRoute.TryGetPath(context, routePrefix, out var path, out var pathError)) return ("", null!, pathError);
        if (await access.CheckAsync(path) is { } denied) return (path, null!, denied);
        var (root, bodyError) = await Json.JsonBody.ReadObjectAsync(context, allowEmpty);
        if (bodyError is not null) return (path, null!, bodyError);
        var (body, readError) = read(root);
        if (readError is not null) return (path, null!, readError);
        if (validator is not null && Validate(validator, body!) is { } invalid) return (path, null!, invalid);
        return (path, body!, null);
    }

    public static (WriteSecretBody? Body, ApiError? Error) ReadWrite(JsonElement root)
    {
        if (Unknown(root, "data", "secret_type", "metadata", "options") is { } unknown) return (null, unknown);
        if (!root.TryGetProperty("data", out var data) || data.ValueKind == JsonValueKind.Null)
            return (null, Invalid("data", "is required."));
        var type = "json";
        if (root.TryGetProperty("secret_type", out var typeElement))
        {
            if (typeElement.ValueKind != JsonValueKind.String) return (null, Invalid("secret_type", "must be a string: json, string or binary."));
            type = typeElement.GetString()!;
        }
        var (metadata, metadataError) = ReadMetadata(root, allowNulls: false);
        if (metadataError is not null) return (null, metadataError);
        var (options, optionsError) = ReadOptions(root, "max_versions", "cas");
        if (optionsError is not null) return (null, optionsError);
        return (new WriteSecretBody(data, type, metadata, options.GetValueOrDefault("max_versions"), options.GetValueOrDefault("cas")), null);
    }

    public static (UpdateMetadataBody? Body, ApiError? Error) ReadMetadataUpdate(JsonElement root)
    {
        if (Unknown(root, "metadata", "options") is { } unknown) return (null, unknown);
        var (metadata, metadataError) = ReadMetadata(root, allowNulls: true);
        if (metadataError is not null) return (null, metadataError);
        var (options, optionsError) = ReadOptions(root, "max_versions");
        if (optionsError is not null) return (null, optionsError);
        return (new UpdateMetadataBody(metadata, options.GetValueOrDefault("max_versions")), null);
    }

    public static (VersionsBody? Body, ApiError? Error) ReadVersions(JsonElement root)
    {
        if (Unknown(root, "versions") is { } unknown) return (null, unknown);
        if (!root.TryGetProperty("versions", out var versions) || versions.ValueKind == JsonValueKind.Null)
            return (new VersionsBody([]), null);
        if (versions.ValueKind != JsonValueKind.Array) return (null, Invalid("versions", "must be an array of version numbers."));
        var list = new List<int>();
        foreach (var item in versions.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var v))
                return (null, Invalid("versions", "must hold whole numbers only."));
            list.Add(v);
        }
        return (new VersionsBody([.. list]), null);
    }

    private static (MetadataInput? Metadata, ApiError? Error) ReadMetadata(JsonElement root, bool allowNulls)
    {
        if (!root.TryGetProperty("metadata", out var metadata) || metadata.ValueKind == JsonValueKind.Null) return (null, null);
        if (metadata.ValueKind != JsonValueKind.Object) return (null, Invalid("metadata", "must be an object."));

        bool hasTags = false, hasDescription = false, hasOwner = false;
        List<string>? tags = null;
        string? description = null, owner = null;
        var custom = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var property in metadata.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null && !allowNulls)
                return (null, Invalid($"metadata.{property.Name}", "must not be null here (null removes a field only in PATCH /v1/metadata)."));
            switch (property.Name)
            {
                case "tags":
                    hasTags = true;
                    if (value.ValueKind == JsonValueKind.Null) break;
                    if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
                        return (null, Invalid("metadata.tags", "must be an array of strings."));
                    tags = [.. value.EnumerateArray().Select(t => t.GetString()!)];
                    break;
                case "description":
                    hasDescription = true;
                    if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)) return (null, Invalid("metadata.description", "must be a string."));
                    description = value.ValueKind == JsonValueKind.Null ? null : value.GetString();
                    break;
                case "owner":
                    hasOwner = true;
                    if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)) return (null, Invalid("metadata.owner", "must be a string."));
                    owner = value.ValueKind == JsonValueKind.Null ? null : value.GetString();
                    break;
                default:
                    if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                        return (null, Invalid("metadata", "custom values must be strings."));
                    custom[property.Name] = value.ValueKind == JsonValueKind.Null ? null : value.GetString();
                    break;
            }
        }
        return (new MetadataInput(hasTags, tags, hasDescription, description, hasOwner, owner, custom), null);
    }

    private static (Dictionary<string, int?> Values, ApiError? Error) ReadOptions(JsonElement root, params string[] known)
    {
        var values = new Dictionary<string, int?>();
        if (!root.TryGetProperty("options", out var options) || options.ValueKind == JsonValueKind.Null) return (values, null);
        if (options.ValueKind != JsonValueKind.Object) return (values, Invalid("options", "must be an object."));
        foreach (var property in options.EnumerateObject())
        {
            if (!known.Contains(property.Name))
                return (values, ApiError.BadRequest(ErrorCodes.InvalidRequest,
                    $"options.{property.Name} is not a known option; known are: {string.Join(", ", known)}."));
            if (property.Value.ValueKind == JsonValueKind.Null) continue;
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out var number))
                return (values, Invalid($"options.{property.Name}", "must be a whole number."));
            values[property.Name] = number;
        }
        return (values, null);
    }

    private static ApiError? Unknown(JsonElement root, params string[] known)
    {
        var unknown = root.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !known.Contains(n));
        return unknown is null ? null
            : ApiError.BadRequest(ErrorCodes.InvalidRequest, $"'{Truncate(unknown)}' is not a field of this request; known fields are: {string.Join(", ", known)}.");
    }

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "…";

    private static ApiError Invalid(string field, string rule) => ApiError.BadRequest(ErrorCodes.InvalidRequest, $"{field} {rule}");

    public static ApiError? Validate<T>(IValidator<T> validator, T body)
    {
        var result = validator.Validate(body);
        return result.IsValid ? null : ApiError.BadRequest(ErrorCodes.InvalidRequest, result.Errors[0].ErrorMessage);
    }
}

public sealed class MetadataInputValidator : AbstractValidator<MetadataInput>
{
    public const int MaxTags = 64;
    public const int MaxTagLength = 256;
    public const int MaxCustom = 64;

    public MetadataInputValidator()
    {
        RuleFor(m => m.Tags).Must(t => t is null || t.Count <= MaxTags)
            .WithMessage($"metadata.tags holds more than {MaxTags} tags.");
        RuleForEach(m => m.Tags).Must(t => t.Length is > 0 and <= MaxTagLength && !t.Any(char.IsControl))
            .WithMessage($"metadata.tags entries must be 1 to {MaxTagLength} characters without control characters.");
        RuleFor(m => m.Description).Must(d => d is null || (d.Length <= 1024 && !d.Any(c => char.IsControl(c) && c is not ('\n' or '\t'))))
            .WithMessage("metadata.description must be at most 1024 characters without control characters.");
        RuleFor(m => m.Owner).Must(o => o is null || (o.Length is > 0 and <= 256 && !o.Any(char.IsControl)))
            .WithMessage("metadata.owner must be 1 to 256 characters without control characters.");
        RuleFor(m => m.Custom).Must(c => c.Count <= MaxCustom)
            .WithMessage($"metadata holds more than {MaxCustom} custom keys.");
        RuleForEach(m => m.Custom).Must(kv => IsCustomKey(kv.Key))
            .WithMessage("metadata custom keys must be 1 to 64 letters, digits or _ . : - characters.");
        RuleForEach(m => m.Custom).Must(kv => kv.Value is null || (kv.Value.Length <= 1024 && !kv.Value.Any(char.IsControl)))
            .WithMessage("metadata custom values must be at most 1024 characters without control characters.");
    }

    private static bool IsCustomKey(string key) =>
        key.Length is > 0 and <= 64 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '-');
}

public sealed class WriteSecretBodyValidator : AbstractValidator<WriteSecretBody>
{
    public const int MaxVersionsLimit = 1000;

    public WriteSecretBodyValidator()
    {
        RuleFor(b => b.SecretType).Must(t => SecretTypes.TryParse(t, out _))
            .WithMessage("secret_type must be one of: json, string, binary.");
        RuleFor(b => b.MaxVersions).InclusiveBetween(0, MaxVersionsLimit)
            .WithMessage($"options.max_versions must be between 0 (keep every version) and {MaxVersionsLimit}.");
        RuleFor(b => b.Cas).GreaterThanOrEqualTo(0)
            .WithMessage("options.cas must be 0 (create only) or the version you expect to replace.");
        RuleFor(b => b.Metadata!).SetValidator(new MetadataInputValidator()).When(b => b.Metadata is not null);
    }
}

public sealed class UpdateMetadataBodyValidator : AbstractValidator<UpdateMetadataBody>
{
    public UpdateMetadataBodyValidator()
    {
        RuleFor(b => b.MaxVersions).InclusiveBetween(0, WriteSecretBodyValidator.MaxVersionsLimit)
            .WithMessage($"options.max_versions must be between 0 (keep every version) and {WriteSecretBodyValidator.MaxVersionsLimit}.");
        RuleFor(b => b.Metadata!).SetValidator(new MetadataInputValidator()).When(b => b.Metadata is not null);
    }
}
