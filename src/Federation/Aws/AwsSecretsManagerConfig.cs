using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation.Aws;

/// <summary>
/// The <c>config</c> object of an <c>aws-secrets-manager</c> backend:
/// <code>
/// { "region": "us-east-1",
///   "credentials_path": "infra/aws/sm-reader",        // optional: static keys stored in ScaiVault
///   "role_arn": "arn:aws:iam::123456789012:role/x",   // optional: STS AssumeRole (base: credentials_path or the SDK chain)
///   "external_id": "...", "role_session_name": "...", // optional, with role_arn
///   "endpoint": "https://vpce-...",                    // optional: VPC endpoint / local test server
///   "sts_endpoint": "https://sts.us-east-1.amazonaws.com", // optional
///   "max_calls_per_second": 20, "timeout": "10s" }    // optional
/// </code>
/// With neither <c>credentials_path</c> nor <c>role_arn</c> the AWS SDK default credential chain is used
/// (instance or task role, environment, profile).
/// </summary>
public sealed partial record AwsSecretsManagerConfig(
    string Region,
    string? CredentialsPath,
    string? RoleArn,
    string? ExternalId,
    string? RoleSessionName,
    Uri Endpoint,
    Uri StsEndpoint,
    double MaxCallsPerSecond,
    TimeSpan Timeout)
{
    public const double DefaultMaxCallsPerSecond = 20;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly string[] KnownFields =
        ["region", "credentials_path", "role_arn", "external_id", "role_session_name", "endpoint", "sts_endpoint", "max_calls_per_second", "timeout"];

    public static IReadOnlyList<ConfigError> Validate(JsonElement config) => Parse(config, out _);

    /// <summary>Parses a config already accepted by <see cref="Validate"/>.</summary>
    public static AwsSecretsManagerConfig From(JsonElement config)
    {
        var errors = Parse(config, out var parsed);
        if (errors.Count > 0)
            throw new ArgumentException(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")), nameof(config));
        return parsed!;
    }

    private static List<ConfigError> Parse(JsonElement config, out AwsSecretsManagerConfig? parsed)
    {
        parsed = null;
        var errors = new List<ConfigError>();
        if (config.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("config", "The config must be a JSON object with at least \"region\"."));
            return errors;
        }
        foreach (var property in config.EnumerateObject())
            if (!KnownFields.Contains(property.Name))
                errors.Add(new($"config.{property.Name}", $"Unknown field; known fields are {string.Join(", ", KnownFields)}."));

        var region = String(config, "region", errors);
        if (region is null) errors.Add(new("config.region", "Required: the AWS region of the secrets, e.g. \"us-east-1\"."));
        else if (!RegionPattern().IsMatch(region)) errors.Add(new("config.region", $"'{region}' is not an AWS region name such as \"us-east-1\"."));

        var credentialsPath = String(config, "credentials_path", errors);
        if (credentialsPath is not null && !SecretPath.TryValidate(credentialsPath, out var pathError))
            errors.Add(new("config.credentials_path", $"Not a ScaiVault secret path: {pathError}"));

        var roleArn = String(config, "role_arn", errors);
        if (roleArn is not null && !RoleArnPattern().IsMatch(roleArn))
            errors.Add(new("config.role_arn", "Not an IAM role ARN such as \"arn:aws:iam::123456789012:role/scaivault-reader\"."));
        var externalId = String(config, "external_id", errors);
        if (externalId is not null && (roleArn is null || externalId.Length is < 2 or > 1224))
            errors.Add(new("config.external_id", "Only with role_arn, 2 to 1224 characters."));
        var sessionName = String(config, "role_session_name", errors);
        if (sessionName is not null && (roleArn is null || !SessionNamePattern().IsMatch(sessionName)))
            errors.Add(new("config.role_session_name", "Only with role_arn; 2 to 64 characters of letters, digits and _+=,.@-."));

        var endpoint = Url(config, "endpoint", errors);
        var stsEndpoint = Url(config, "sts_endpoint", errors);

        var rate = DefaultMaxCallsPerSecond;
        if (config.TryGetProperty("max_calls_per_second", out var rateElement))
        {
            if (rateElement.ValueKind != JsonValueKind.Number || !rateElement.TryGetDouble(out rate) || rate is < 0.1 or > 10_000)
                errors.Add(new("config.max_calls_per_second", "A number of outbound calls per second between 0.1 and 10000 (default 20)."));
        }

        var timeout = DefaultTimeout;
        if (config.TryGetProperty("timeout", out var timeoutElement) && !TryDuration(timeoutElement, out timeout))
            errors.Add(new("config.timeout", "A duration such as \"10s\", \"1500ms\" or \"1m\" (or seconds as a number), between 100ms and 5m."));

        if (errors.Count > 0 || region is null) return errors;
        var dnsSuffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        parsed = new AwsSecretsManagerConfig(
            region, credentialsPath, roleArn, externalId, sessionName,
            endpoint ?? new Uri($"https://secretsmanager.{region}.{dnsSuffix}/"),
            stsEndpoint ?? new Uri($"https://sts.{region}.{dnsSuffix}/"),
            rate, timeout);
        return errors;
    }

    private static string? String(JsonElement config, string field, List<ConfigError> errors)
    {
        if (!config.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } value) return value;
        errors.Add(new($"config.{field}", "Must be a non-empty string."));
        return null;
    }

    // Plain http is allowed for loopback only (local fakes, sidecars): elsewhere it would put signed requests
    // and secret values on the network in clear text.
    private static Uri? Url(JsonElement config, string field, List<ConfigError> errors)
    {
        var value = String(config, field, errors);
        if (value is null) return null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            errors.Add(new($"config.{field}", "Must be an absolute https:// URL without query or user info."));
            return null;
        }
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            errors.Add(new($"config.{field}", "Must use https:// (plain http is accepted for loopback addresses only)."));
            return null;
        }
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
    }

    private static bool TryDuration(JsonElement element, out TimeSpan duration)
    {
        duration = default;
        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out var seconds)) duration = TimeSpan.FromSeconds(seconds);
        else if (element.ValueKind == JsonValueKind.String && DurationPattern().Match(element.GetString()!) is { Success: true } m)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            duration = m.Groups[2].Value switch { "ms" => TimeSpan.FromMilliseconds(n), "s" => TimeSpan.FromSeconds(n), _ => TimeSpan.FromMinutes(n) };
        }
        else return false;
        return duration >= TimeSpan.FromMilliseconds(100) && duration <= TimeSpan.FromMinutes(5);
    }

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")]
    private static partial Regex RoleArnPattern();

    [GeneratedRegex(@"^[\w+=,.@-]{2,64}$")]
    private static partial Regex SessionNamePattern();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m)$")]
    private static partial Regex DurationPattern();
}
