using ScaiVault.Domain.Audit;
using ScaiVault.Domain.Policies;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Errors;
using ScaiVault.Http.Identities;
using ScaiVault.Http.Policies;

namespace ScaiVault.Http.Forensics;

/// <summary>
/// The inputs of a replay, read the same way from a query string and from the host's command line, so that
/// an endpoint and its command refuse the same things with the same words.
/// </summary>
public static partial class ReplayQuery
{
    // An offset written "+01:00" in a URL arrives as " 01:00" ('+' means space in a query string). A space right
    // before an offset can mean nothing else, so it is read as the '+' that was meant.
    [System.Text.RegularExpressions.GeneratedRegex(@"^(\d{4}-\d{2}-\d{2}T[\d:.]+) (\d{2}:?\d{2})\z")]
    private static partial System.Text.RegularExpressions.Regex DecodedPlus();

    public static (DateTimeOffset At, ApiError? Error) At(string? raw, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return (default, ApiError.BadRequest(ForensicErrorCodes.InvalidTime, "at is required: the time to replay to, in ISO 8601 (e.g. 2026-11-23T20:08:32Z)."));
        if (!RelativeTime.TryParse(DecodedPlus().Replace(raw, "$1+$2"), now, out var at))
            return (default, ApiError.BadRequest(ForensicErrorCodes.InvalidTime, "at is not a time: use ISO 8601, e.g. 2026-11-23T20:08:32.848221Z or 2026-11-23T21:08:32+01:00."));
        // A future time has no answer yet: what is returned now could still change.
        if (at > now)
            return (default, ApiError.BadRequest(ForensicErrorCodes.InvalidTime, "at is in the future; replay answers only for times that have passed."));
        return (at, null);
    }

    public static ApiError? Path(string? path)
    {
        if (string.IsNullOrEmpty(path)) return ApiError.BadRequest(ErrorCodes.InvalidPath, "path is required: the secret path to decide on.");
        return SecretPath.TryValidate(path, out var error) ? null : ApiError.BadRequest(ErrorCodes.InvalidPath, error);
    }

    public static ApiError? IdentityId(string? identityId) =>
        string.IsNullOrEmpty(identityId) || !ScaiKeyDeliveryValidator.IsName(identityId) || identityId.Contains(',')
            ? ApiError.BadRequest(ErrorCodes.InvalidRequest, "identity_id is required: the user id (token 'sub') to decide for.")
            : null;

    public static (PolicyAction Action, ApiError? Error) Action(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) return (PolicyAction.Read, null);
        return PolicyWire.TryParseAction(raw, out var action)
            ? (action, null)
            : (default, ApiError.BadRequest(ErrorCodes.InvalidRequest, $"action must be one of: {PolicyWire.ActionList}."));
    }

    /// <summary>Comma-separated group names, as a token's <c>groups</c> claim would carry them.</summary>
    public static (string[] Groups, ApiError? Error) Groups(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) return ([], null);
        var groups = raw.Split(',', StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();
        return groups.All(g => g.Length > 0 && ScaiKeyDeliveryValidator.IsName(g)) && groups.Length <= 256
            ? (groups, null)
            : ([], ApiError.BadRequest(ErrorCodes.InvalidRequest, "token_groups must be group names separated by commas (at most 256)."));
    }

    public static (bool Value, ApiError? Error) Flag(string name, string? raw) => raw switch
    {
        null or "" or "false" => (false, null),
        "true" => (true, null),
        _ => (false, ApiError.BadRequest(ErrorCodes.InvalidRequest, $"{name} must be true or false.")),
    };

    public static (int? Version, ApiError? Error) Version(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) return (null, null);
        return int.TryParse(raw, System.Globalization.NumberStyles.None, null, out var v) && v >= 1
            ? (v, null)
            : (null, ApiError.BadRequest("invalid_version", "version must be a positive whole number."));
    }

    /// <summary>A parameter given twice is ambiguous: refused rather than one of its values picked.</summary>
    public static ApiError? Repeated(IQueryCollection query) =>
        query.FirstOrDefault(p => p.Value.Count > 1) is { Key: { } name }
            ? ApiError.BadRequest(ErrorCodes.InvalidRequest, $"{name} is given more than once.")
            : null;

    public static ApiError NothingAt(DateTimeOffset at) =>
        ApiError.NotFound(SecretErrorCodes.NotFound, $"No secret at this path had been recorded by {ReplayJson.Time(at)}.");
}
