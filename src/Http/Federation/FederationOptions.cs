namespace ScaiVault.Http.Federation;

/// <summary>
/// Time bounds of the federation engine. Read from configuration (<c>SCAIVAULT_FEDERATION_PROXY_TIMEOUT_MS</c>,
/// <c>SCAIVAULT_FEDERATION_CHECK_MS</c>); tests may shorten them on the singleton.
/// </summary>
public sealed class FederationOptions
{
    /// <summary>A proxied read answers 504 after this, whatever the backend does.</summary>
    public TimeSpan ProxyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>One write-through attempt; a slower backend is tried again later.</summary>
    public TimeSpan WriteThroughTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One connection check (on configure and on GET …/status).</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>A whole sync run is cancelled after this and recorded as failed.</summary>
    public TimeSpan SyncTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often the sync agent of a backend looks for a due or requested run.</summary>
    public TimeSpan AgentPoll { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a node serves its cached list of a tenant's backends before reloading it (other nodes' changes).</summary>
    public TimeSpan RoutesTtl { get; set; } = TimeSpan.FromSeconds(2);

    public static FederationOptions From(IConfiguration config)
    {
        var options = new FederationOptions();
        if (int.TryParse(config["SCAIVAULT_FEDERATION_PROXY_TIMEOUT_MS"], out var proxy) && proxy > 0) options.ProxyTimeout = TimeSpan.FromMilliseconds(proxy);
        if (int.TryParse(config["SCAIVAULT_FEDERATION_CHECK_MS"], out var check) && check > 0) options.CheckTimeout = TimeSpan.FromMilliseconds(check);
        return options;
    }
}
