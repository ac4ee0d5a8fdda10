namespace ScaiVault.Http.Setup;

/// <summary>
/// Where ScaiVault keeps its state and how it is reached. Read from configuration, so environment
/// variables (<c>SCAIVAULT_DB</c>, <c>SCAIVAULT_REDIS</c>, <c>SCAIVAULT_DATA_DIR</c>,
/// <c>SCAIVAULT_ROOT_TOKEN</c>, <c>SCAIVAULT_SCAIKEY_WEBHOOK_SECRET</c>) and command-line <c>--key=value</c> pairs both work.
/// </summary>
public sealed class ScaiVaultSettings
{
    public const string DefaultDatabase = "Host=127.0.0.1;Port=54329;Username=postgres;Database=scaivault";

    public required string Database { get; init; }
    public required string Redis { get; init; }
    public required string DataDir { get; init; }
    public string? RootToken { get; init; }
    public string Schema { get; init; } = "scaivault";

    /// <summary>ScaiKey's token issuer; JWT validation is on when this and <see cref="JwksUrl"/> are set.</summary>
    public string? JwtIssuer { get; init; }
    public string JwtAudience { get; init; } = "scaivault";
    /// <summary>ScaiKey's public keys: an http(s) URL, or a local JWKS file for development.</summary>
    public string? JwksUrl { get; init; }

    /// <summary>
    /// The shared secret ScaiKey signs its webhook deliveries with (HMAC-SHA256); without it the webhook
    /// endpoint answers 503. Never logged or printed.
    /// </summary>
    public string? ScaiKeyWebhookSecret { get; init; }

    public bool JwtEnabled => !string.IsNullOrWhiteSpace(JwtIssuer) && !string.IsNullOrWhiteSpace(JwksUrl);

    public static ScaiVaultSettings From(IConfiguration config, string contentRoot) => new()
    {
        Database = config["SCAIVAULT_DB"] ?? DefaultDatabase,
        Redis = config["SCAIVAULT_REDIS"] ?? "127.0.0.1:63799",
        DataDir = Path.GetFullPath(config["SCAIVAULT_DATA_DIR"] ?? DefaultDataDir(contentRoot)),
        RootToken = string.IsNullOrWhiteSpace(config["SCAIVAULT_ROOT_TOKEN"]) ? null : config["SCAIVAULT_ROOT_TOKEN"],
        Schema = config["SCAIVAULT_DB_SCHEMA"] ?? "scaivault",
        JwtIssuer = config["SCAIVAULT_JWT_ISSUER"],
        JwtAudience = config["SCAIVAULT_JWT_AUDIENCE"] ?? "scaivault",
        JwksUrl = config["SCAIVAULT_JWKS_URL"],
        ScaiKeyWebhookSecret = string.IsNullOrEmpty(config["SCAIVAULT_SCAIKEY_WEBHOOK_SECRET"]) ? null : config["SCAIVAULT_SCAIKEY_WEBHOOK_SECRET"],
    };

    /// <summary>
    /// In a checkout, the folder ops/run.sh uses (<c>.data/dev</c> next to ScaiVault.sln), so that
    /// <c>dotnet run --project src/Http</c> and the run script share one root key; elsewhere next to the binary.
    /// </summary>
    private static string DefaultDataDir(string contentRoot)
    {
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ScaiVault.sln"))) return Path.Combine(dir.FullName, ".data", "dev");
        return Path.Combine(contentRoot, ".data");
    }
}
