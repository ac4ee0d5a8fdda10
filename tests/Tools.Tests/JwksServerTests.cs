using System.Net;
using System.Net.Sockets;

namespace ScaiVault.Tools.Tests;

public sealed class JwksServerTests : IDisposable
{
    private readonly TempDir temp = new();
    public void Dispose() => temp.Dispose();

    // HttpListener cannot bind port 0, so borrow a free port from the OS and hand it over.
    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    [Fact]
    public async Task Serve_AnswersWithTheJwksFileAnd404Elsewhere()
    {
        var ct = TestContext.Current.CancellationToken;
        var keys = KeyStore.Init(temp.Sub("keys"), force: false);
        using var server = new JwksServer(keys.Dir, FreePort(), TextWriter.Null);
        server.Start();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = server.RunAsync(stop.Token);
        using var http = new HttpClient();

        var jwks = await http.GetAsync(server.JwksUrl, ct);
        var elsewhere = await http.GetAsync(server.JwksUrl.Replace("jwks.json", "openid-configuration"), ct);
        await stop.CancelAsync();
        await running;

        jwks.StatusCode.ShouldBe(HttpStatusCode.OK);
        jwks.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        (await jwks.Content.ReadAsStringAsync(ct)).ShouldBe(File.ReadAllText(keys.JwksPath));
        elsewhere.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
