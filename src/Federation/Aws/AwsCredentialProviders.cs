using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Amazon.Runtime.Credentials;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation.Aws;

/// <summary>Where the adapter's AWS credentials come from; cached until <see cref="Invalidate"/> or expiry.</summary>
internal interface IAwsCredentialProvider
{
    ValueTask<AwsCredentials> GetAsync(CancellationToken ct);

    /// <summary>Forget cached credentials (after the service rejected them as expired or unknown).</summary>
    void Invalidate();
}

/// <summary>
/// Static keys stored as a ScaiVault JSON secret:
/// <c>{"access_key_id": "AKIA...", "secret_access_key": "...", "session_token": "..." (optional)}</c>.
/// Re-read after <see cref="Invalidate"/>, so rotating the keys in ScaiVault takes effect without a restart.
/// </summary>
internal sealed class StoredKeysProvider(ICredentialSource source, string path) : IAwsCredentialProvider
{
    private AwsCredentials? _cached;

    public async ValueTask<AwsCredentials> GetAsync(CancellationToken ct)
    {
        if (_cached is { } cached) return cached;
        RemoteSecretValue value;
        try
        {
            value = await source.ReadAsync(path, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException and not FederationBackendException)
        {
            throw new FederationBackendException(BackendFailure.CredentialsUnusable,
                $"The AWS credential secret '{path}' cannot be read from ScaiVault ({e.GetType().Name}).");
        }
        return _cached = Parse(value);
    }

    public void Invalidate() => _cached = null;

    private AwsCredentials Parse(RemoteSecretValue value)
    {
        const string shape = "{\"access_key_id\": \"...\", \"secret_access_key\": \"...\"} (optionally \"session_token\")";
        try
        {
            using var doc = JsonDocument.Parse(value.Bytes);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException();
            string? Field(string name) =>
                root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } s ? s : null;
            var keyId = Field("access_key_id");
            var secret = Field("secret_access_key");
            if (keyId is null || secret is null)
                throw new FederationBackendException(BackendFailure.CredentialsUnusable,
                    $"The AWS credential secret '{path}' lacks {(keyId is null ? "access_key_id" : "secret_access_key")}; expected {shape}.");
            return new AwsCredentials(keyId, secret, Field("session_token"));
        }
        catch (JsonException)
        {
            throw new FederationBackendException(BackendFailure.CredentialsUnusable,
                $"The AWS credential secret '{path}' is not JSON; expected {shape}.");
        }
        catch (FormatException)
        {
            throw new FederationBackendException(BackendFailure.CredentialsUnusable,
                $"The AWS credential secret '{path}' is not a JSON object; expected {shape}.");
        }
    }
}

/// <summary>The AWS SDK default chain (environment, profile, container or instance role); the SDK refreshes it.</summary>
internal sealed class DefaultChainProvider : IAwsCredentialProvider
{
    public async ValueTask<AwsCredentials> GetAsync(CancellationToken ct)
    {
        try
        {
            var credentials = await DefaultAWSCredentialsIdentityResolver.GetCredentials().GetCredentialsAsync();
            return new AwsCredentials(credentials.AccessKey, credentials.SecretKey, credentials.UseToken ? credentials.Token : null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new FederationBackendException(BackendFailure.CredentialsUnusable,
                $"No AWS credentials: set config.credentials_path, or give ScaiVault an AWS identity (instance or task role, environment, profile). ({e.GetType().Name})");
        }
    }

    public void Invalidate() { }
}

/// <summary>
/// STS AssumeRole over the Query protocol (form POST, XML answer), signed with the base credentials.
/// The session credentials are reused until a margin before their expiry, then renewed.
/// </summary>
internal sealed class AssumeRoleProvider(
    IAwsCredentialProvider baseCredentials, AwsCallPipeline pipeline, AwsSecretsManagerConfig config,
    string sessionName, TimeProvider time, TimeSpan refreshMargin) : IAwsCredentialProvider
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AwsCredentials? _cached;

    public async ValueTask<AwsCredentials> GetAsync(CancellationToken ct)
    {
        if (Fresh(_cached) is { } fresh) return fresh;
        await _gate.WaitAsync(ct);
        try
        {
            if (Fresh(_cached) is { } again) return again;
            return _cached = await AssumeAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _cached = null;

    private AwsCredentials? Fresh(AwsCredentials? c) =>
        c is { Expiration: { } expires } && time.GetUtcNow() < expires - refreshMargin ? c : null;

    private async Task<AwsCredentials> AssumeAsync(CancellationToken ct)
    {
        var form = new StringBuilder("Action=AssumeRole&Version=2011-06-15")
            .Append("&RoleArn=").Append(Uri.EscapeDataString(config.RoleArn!))
            .Append("&RoleSessionName=").Append(Uri.EscapeDataString(sessionName))
            .Append("&DurationSeconds=3600");
        if (config.ExternalId is not null) form.Append("&ExternalId=").Append(Uri.EscapeDataString(config.ExternalId));
        var body = Encoding.UTF8.GetBytes(form.ToString());

        byte[] answer;
        try
        {
            answer = await pipeline.SendAsync(
                () => new HttpRequestMessage(HttpMethod.Post, config.StsEndpoint)
                {
                    Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/x-www-form-urlencoded") { CharSet = "utf-8" } } },
                },
                body, baseCredentials.GetAsync, config.Region, "sts", "AssumeRole", ParseError, ct);
        }
        catch (AwsServiceException e)
        {
            if (e.Code is "ExpiredToken" or "InvalidClientTokenId" or "SignatureDoesNotMatch") baseCredentials.Invalidate();
            throw new FederationBackendException(BackendFailure.AccessDenied,
                $"STS AssumeRole of {config.RoleArn} was refused: {e.Code} (HTTP {e.Status}).", e);
        }

        try
        {
            var doc = XDocument.Parse(Encoding.UTF8.GetString(answer));
            var creds = doc.Descendants().First(e => e.Name.LocalName == "Credentials");
            string Field(string name) => creds.Elements().First(e => e.Name.LocalName == name).Value.Trim();
            return new AwsCredentials(Field("AccessKeyId"), Field("SecretAccessKey"), Field("SessionToken"),
                DateTimeOffset.Parse(Field("Expiration"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        }
        catch (Exception e) when (e is System.Xml.XmlException or InvalidOperationException or FormatException)
        {
            throw new FederationBackendException(BackendFailure.BadResponse, "STS AssumeRole answered something that is not an AssumeRoleResponse.");
        }
    }

    /// <summary>STS Query errors: <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Code&gt;</c>.</summary>
    private static AwsError ParseError(int status, byte[] body)
    {
        try
        {
            var doc = XDocument.Parse(Encoding.UTF8.GetString(body));
            var code = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
            return new AwsError(string.IsNullOrWhiteSpace(code) ? $"Http{status}" : code.Trim());
        }
        catch (System.Xml.XmlException)
        {
            return new AwsError($"Http{status}");
        }
    }
}
