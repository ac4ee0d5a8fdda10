using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Errors;

namespace ScaiVault.Http.Identities;

/// <summary>
/// One ScaiKey webhook delivery of a known type, flattened: <c>user.updated</c> fills Groups, Roles and
/// Disabled; <c>group.member.added</c>/<c>removed</c> fill Group; <c>user.deleted</c> only UserId.
/// </summary>
public sealed record ScaiKeyDelivery(
    string Id,
    string Type,
    DateTimeOffset OccurredAt,
    string TenantId,
    string UserId,
    IReadOnlyList<string> Groups,
    IReadOnlyList<string> Roles,
    bool Disabled,
    string? Group);

public static class ScaiKeyEventTypes
{
    public const string UserUpdated = "user.updated";
    public const string UserDeleted = "user.deleted";
    public const string GroupMemberAdded = "group.member.added";
    public const string GroupMemberRemoved = "group.member.removed";

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
        { UserUpdated, UserDeleted, GroupMemberAdded, GroupMemberRemoved };
}

/// <summary>
/// Structural reading of a delivery: wrong JSON types and missing fields are named. Unknown fields are
/// ignored rather than refused (unlike the secrets API): ScaiKey may add fields, and a refusal would
/// only make it retry the same delivery forever.
/// </summary>
public static partial class ScaiKeyDeliveryReader
{
    /// <summary>The delivery's type, or an error when there is none: decides whether the rest is read at all.</summary>
    public static (string? Type, ApiError? Error) ReadType(JsonElement root) =>
        root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? (type.GetString(), null)
            : (null, Invalid("type is required and must be a string."));

    public static (ScaiKeyDelivery? Delivery, ApiError? Error) Read(JsonElement root, string type)
    {
        if (String(root, "id") is not { } id) return (null, Invalid("id is required and must be a string."));
        if (String(root, "occurred_at") is not { } occurredText || !TryParseTime(occurredText, out var occurredAt))
            return (null, Invalid("occurred_at is required: an ISO 8601 time with Z or an offset."));
        if (String(root, "tenant_id") is not { } tenantId) return (null, Invalid("tenant_id is required and must be a string."));
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            return (null, Invalid("data is required and must be an object."));
        if (String(data, "user_id") is not { } userId) return (null, Invalid("data.user_id is required and must be a string."));

        IReadOnlyList<string> groups = [], roles = [];
        var disabled = false;
        string? group = null;
        switch (type)
        {
            case ScaiKeyEventTypes.UserUpdated:
                if (Strings(data, "groups") is not { } g) return (null, Invalid("data.groups is required: the full list of the user's groups, as strings."));
                if (Strings(data, "roles") is not { } r) return (null, Invalid("data.roles is required: the full list of the user's roles, as strings."));
                if (!data.TryGetProperty("disabled", out var d) || d.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    return (null, Invalid("data.disabled is required and must be true or false."));
                (groups, roles, disabled) = (g, r, d.GetBoolean());
                break;
            case ScaiKeyEventTypes.GroupMemberAdded or ScaiKeyEventTypes.GroupMemberRemoved:
                if (String(data, "group") is not { } name) return (null, Invalid("data.group is required and must be a string."));
                group = name;
                break;
        }
        return (new ScaiKeyDelivery(id, type, occurredAt, tenantId, userId, groups, roles, disabled, group), null);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<string>? Strings(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array) return null;
        var list = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) return null;
            list.Add(item.GetString()!);
        }
        return list;
    }

    // An explicit zone is required: a local time would mean something different on every host.
    private static bool TryParseTime(string text, out DateTimeOffset time)
    {
        time = default;
        return ExplicitZone().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out time);
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?(Z|[+-][0-9]{2}:[0-9]{2})\z")]
    private static partial Regex ExplicitZone();

    private static ApiError Invalid(string message) => ApiError.BadRequest(ErrorCodes.InvalidRequest, message);
}

public sealed partial class ScaiKeyDeliveryValidator : AbstractValidator<ScaiKeyDelivery>
{
    public const int MaxNameLength = 256;
    public const int MaxListLength = 1000;

    public ScaiKeyDeliveryValidator()
    {
        RuleFor(d => d.Id).Must(id => DeliveryId().IsMatch(id))
            .WithMessage("id must be 1 to 128 of A-Z a-z 0-9 _ . : - characters.");
        RuleFor(d => d.TenantId).Must(IsTenantId)
            .WithMessage("tenant_id must be 1 to 64 of a-z 0-9 _ - (starting with a letter or digit).");
        RuleFor(d => d.UserId).Must(IsName)
            .WithMessage($"data.user_id must be 1 to {MaxNameLength} characters without control characters.");
        RuleFor(d => d.Group).Must(g => g is not null && IsName(g))
            .When(d => d.Type is ScaiKeyEventTypes.GroupMemberAdded or ScaiKeyEventTypes.GroupMemberRemoved)
            .WithMessage($"data.group must be 1 to {MaxNameLength} characters without control characters.");
        RuleFor(d => d.Groups).Must(g => g.Count <= MaxListLength && g.All(IsName))
            .WithMessage($"data.groups must hold at most {MaxListLength} names of 1 to {MaxNameLength} characters without control characters.");
        RuleFor(d => d.Roles).Must(r => r.Count <= MaxListLength && r.All(IsName))
            .WithMessage($"data.roles must hold at most {MaxListLength} names of 1 to {MaxNameLength} characters without control characters.");
    }

    /// <summary>
    /// The token rule (<see cref="JwtSetup.TenantId"/>), also refusing a trailing newline, which that
    /// pattern's <c>$</c> lets through.
    /// </summary>
    public static bool IsTenantId(string value) => !value.EndsWith('\n') && JwtSetup.TenantId.IsMatch(value);

    public static bool IsName(string value) => value.Length is > 0 and <= MaxNameLength && !value.Any(char.IsControl);

    [GeneratedRegex(@"^[A-Za-z0-9_.:-]{1,128}\z")]
    private static partial Regex DeliveryId();
}
