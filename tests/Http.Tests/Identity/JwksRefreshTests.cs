using System.Net;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Identity;

/// <summary>The key set as the service fetches it: over HTTP from a JWKS endpoint on 127.0.0.1.</summary>
public sealed class JwksRefreshTests : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _url;
    private int _fetches;
    private volatile string _jwks;

    public JwksRefreshTests()
    {
        var port = FreePort();
        _url = $"http://127.0.0.1:{port}/.well-known/jwks.json";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _jwks = TestTokens.Jwks(TestTokens.NewKey("k1"));
        _ = ServeAsync();
    }

    [Fact]
    public async Task UnknownKid_RefreshesOnce_ThenIsThrottled()
    {
        var manager = JwtSetup.KeySetManager(_url);
        var ct = TestContext.Current.CancellationToken;

        var first = await manager.GetConfigurationAsync(ct);
        Assert.Equal(["k1"], first.SigningKeys.Select(k => k.KeyId));
        Assert.Equal(1, Volatile.Read(ref _fetches));

        // ScaiKey rotates: the first unknown kid is worth one refresh (done in the background).
        _jwks = TestTokens.Jwks(TestTokens.NewKey("k1"), TestTokens.NewKey("k2"));
        manager.RequestRefresh();
        await WaitUntil(async () => (await manager.GetConfigurationAsync(ct)).SigningKeys.Any(k => k.KeyId == "k2"));
        Assert.Equal(2, Volatile.Read(ref _fetches));

        // Later unknown kids within the interval are not worth another fetch: a flood of forged kids
        // must not become a flood of requests to ScaiKey.
        Assert.Equal(JwtSetup.UnknownKeyRefreshInterval, manager.RefreshInterval);
        Assert.True(JwtSetup.UnknownKeyRefreshInterval >= TimeSpan.FromSeconds(10));
    }

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!await condition())
            await Task.Delay(20, timeout.Token);
    }

    [Fact]
    public async Task KeySet_DropsSymmetricKeys()
    {
        _jwks = """{"keys":[{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA","kid":"hmac","alg":"HS256"}]}""";
        var configuration = await JwtSetup.KeySetManager(_url).GetConfigurationAsync(TestContext.Current.CancellationToken);

        Assert.Empty(configuration.SigningKeys);
    }

    private async Task ServeAsync()
    {
        try
        {
            while (_listener.IsListening)
            {
                var context = await _listener.GetContextAsync();
                Interlocked.Increment(ref _fetches);
                var body = System.Text.Encoding.UTF8.GetBytes(_jwks);
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { }
    }

    private static int FreePort()
    {
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose() => _listener.Close();
}
