using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Http;
using Google.Apis.Util;

namespace ScaiVault.Federation.Gcp;

/// <summary>
/// OAuth access tokens for GSM calls, from Google.Apis.Auth: a <see cref="ServiceAccountCredential"/>
/// built from the service-account key stored in ScaiVault (the library signs the RS256 assertion and
/// exchanges it at the key's <c>token_uri</c>), or a <see cref="ComputeCredential"/> asking the
/// metadata server (workload identity). The library caches the token and fetches a new one before
/// it expires; every token request goes through <see cref="CountingHttpClientFactory"/> so it counts
/// as an outbound call. The key lives in memory only.
/// </summary>
internal sealed class GcpAccessTokens(
    GcpSecretManagerOptions options, ICredentialSource credentials, IClock clock, Action countCall) : IDisposable
{
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";
    private const string DefaultTokenUri = "https://oauth2.googleapis.com/token";
    private const string MetadataTokenPath = "/computeMetadata/v1/instance/service-accounts/default/token";

    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile ServiceCredential? _credential;

    public async Task<string> GetAsync(CancellationToken ct)
    {
        var credential = await CredentialAsync(ct);
        return await credential.GetAccessTokenForRequestAsync(null, ct);
    }

    /// <summary>A new token whatever the cached one's expiry says (after a 401 from GSM).</summary>
    public async Task<string> RefreshAsync(CancellationToken ct)
    {
        var credential = await CredentialAsync(ct);
        await credential.RequestAccessTokenAsync(ct);
        return credential.Token.AccessToken;
    }

    /// <summary>
    /// Drops the loaded key, so the next call reads credentials_path again (after the token endpoint
    /// refused it). The old credential is not disposed: a concurrent call may still be using it.
    /// </summary>
    public void Forget() => _credential = null;

    public void Dispose()
    {
        Interlocked.Exchange(ref _credential, null)?.HttpClient.Dispose();
        _loading.Dispose();
    }

    private async Task<ServiceCredential> CredentialAsync(CancellationToken ct)
    {
        if (_credential is { } loaded) return loaded;
        await _loading.WaitAsync(ct);
        try
        {
            if (_credential is { } raced) return raced;
            ServiceCredential credential = options.AuthMethod == GcpAuthMethod.WorkloadIdentity
                ? CreateComputeCredential()
                : await CreateServiceAccountCredentialAsync(ct);
            // The library's own retries are off: ours (GcpRestClient) count every attempt and stay bounded.
            credential.HttpClient.Timeout = options.Timeout;
            _credential = credential;
            return credential;
        }
        finally
        {
            _loading.Release();
        }
    }

    private ComputeCredential CreateComputeCredential()
    {
        // Without metadata_host the library's default applies (metadata server, or the GCE_METADATA_HOST variable).
        var initializer = options.MetadataHost is { } host
            ? new ComputeCredential.Initializer($"http://{host}{MetadataTokenPath}")
            : new ComputeCredential.Initializer();
        initializer.Clock = clock;
        initializer.HttpClientFactory = new CountingHttpClientFactory(countCall);
        initializer.DefaultExponentialBackOffPolicy = ExponentialBackOffPolicy.None;
        return new ComputeCredential(initializer);
    }

    private async Task<ServiceAccountCredential> CreateServiceAccountCredentialAsync(CancellationToken ct)
    {
        var path = options.CredentialsPath!;
        RemoteSecretValue stored;
        try
        {
            stored = await credentials.ReadAsync(path, ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or FederationBackendException))
        {
            throw Unusable(path, "it could not be read");
        }

        var key = ServiceAccountKey.Parse(stored.Bytes, path);
        var initializer = new ServiceAccountCredential.Initializer(key.ClientEmail, key.TokenUri)
        {
            KeyId = key.PrivateKeyId,
            ProjectId = key.ProjectId,
            Scopes = [CloudPlatformScope],
            Clock = clock,
            HttpClientFactory = new CountingHttpClientFactory(countCall),
            DefaultExponentialBackOffPolicy = ExponentialBackOffPolicy.None,
        };
        try
        {
            initializer = initializer.FromPrivateKey(key.PrivateKey);
        }
        catch (Exception)
        {
            // The library's message may quote the key material: never pass it on.
            throw Unusable(path, "its private_key is not a PKCS#8 RSA key in PEM form");
        }
        return new ServiceAccountCredential(initializer);
    }

    internal static FederationBackendException Unusable(string path, string why) =>
        new(BackendFailure.CredentialsUnusable,
            $"The GCP service-account key at credentials_path '{path}' is unusable: {why}.");

    /// <summary>The fields of a service-account JSON key the token exchange needs.</summary>
    private sealed record ServiceAccountKey(string ClientEmail, string PrivateKey, string? PrivateKeyId, string? ProjectId, string TokenUri)
    {
        public static ServiceAccountKey Parse(byte[] json, string path)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(json);
            }
            catch (JsonException)
            {
                // JsonException messages quote the offending bytes: say only what is wrong.
                throw Unusable(path, "it is not JSON (expected a service-account key file)");
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw Unusable(path, "it is not a JSON object");
                if (Field(root, "type") != "service_account")
                    throw Unusable(path, "its \"type\" is not \"service_account\"");
                if (Field(root, "universe_domain") is { } universe && universe != "googleapis.com")
                    throw Unusable(path, $"universe_domain '{universe}' is not supported (only googleapis.com)");
                var tokenUri = Field(root, "token_uri") ?? DefaultTokenUri;
                if (!Uri.TryCreate(tokenUri, UriKind.Absolute, out var token)
                    || !(token.Scheme == "https" || (token.Scheme == "http" && GcpSecretManagerOptions.IsLoopback(token.Host))))
                    throw Unusable(path, "its token_uri is not an https URL (plain http only on 127.0.0.1/localhost)");
                return new ServiceAccountKey(
                    Field(root, "client_email") ?? throw Unusable(path, "client_email is missing"),
                    Field(root, "private_key") ?? throw Unusable(path, "private_key is missing"),
                    Field(root, "private_key_id"),
                    Field(root, "project_id"),
                    tokenUri);
            }
        }

        private static string? Field(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
                ? text
                : null;
    }

    /// <summary>Google's HTTP client factory with a counter in front of the socket handler.</summary>
    private sealed class CountingHttpClientFactory(Action countCall) : HttpClientFactory
    {
        protected override HttpMessageHandler CreateHandler(CreateHttpClientArgs args) =>
            new CountingHandler(countCall) { InnerHandler = base.CreateHandler(args) };
    }

    private sealed class CountingHandler(Action countCall) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            countCall();
            return base.SendAsync(request, ct);
        }
    }
}

/// <summary>Google.Apis.Auth's clock from a <see cref="TimeProvider"/>, so tests can move time to expire tokens.</summary>
internal sealed class TimeProviderClock(TimeProvider time) : IClock
{
    public DateTime Now => time.GetLocalNow().DateTime;
    public DateTime UtcNow => time.GetUtcNow().UtcDateTime;
}
