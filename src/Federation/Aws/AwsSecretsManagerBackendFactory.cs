using System.Text.Json;
using System.Text.RegularExpressions;

namespace ScaiVault.Federation.Aws;

/// <summary>Builds <c>aws-secrets-manager</c> adapters; one per backend, each with its own rate cap and call counter.</summary>
public sealed partial class AwsSecretsManagerBackendFactory(IHttpClientFactory httpClients, TimeProvider? time = null, AwsCallTuning? tuning = null)
    : IFederationBackendFactory
{
    /// <summary>Named client the host may configure (proxy, handler lifetime); defaults are fine.</summary>
    public const string HttpClientName = "scaivault-federation-aws";

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly AwsCallTuning _tuning = tuning ?? new AwsCallTuning();

    public string Type => AwsSecretsManagerBackend.BackendType;

    public IReadOnlyList<ConfigError> Validate(JsonElement config) => AwsSecretsManagerConfig.Validate(config);

    public IFederationBackend Create(BackendConnection connection) => CreateBackend(connection);

    public AwsSecretsManagerBackend CreateBackend(BackendConnection connection)
    {
        var config = AwsSecretsManagerConfig.From(connection.Config);
        var http = httpClients.CreateClient(HttpClientName);
        // The pipeline bounds each attempt itself; HttpClient's own 100 s default must not cut in first.
        http.Timeout = Timeout.InfiniteTimeSpan;
        var pipeline = new AwsCallPipeline(http, _time, _tuning, config.Timeout, config.MaxCallsPerSecond);

        IAwsCredentialProvider credentials = config.CredentialsPath is { } path
            ? new StoredKeysProvider(connection.Credentials, path)
            : new DefaultChainProvider();
        if (config.RoleArn is not null)
            credentials = new AssumeRoleProvider(credentials, pipeline, config,
                config.RoleSessionName ?? SessionName(connection.BackendId), _time, _tuning.RefreshMargin);

        return new AwsSecretsManagerBackend(pipeline, new SecretsManagerClient(pipeline, credentials, config), _time);
    }

    /// <summary>CloudTrail shows the session name: make it say which ScaiVault backend assumed the role.</summary>
    private static string SessionName(string backendId)
    {
        var name = "scaivault-" + NotAllowed().Replace(backendId, "-");
        return name.Length > 64 ? name[..64] : name;
    }

    [GeneratedRegex(@"[^\w+=,.@-]")]
    private static partial Regex NotAllowed();
}
