using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ScaiVault.Fakes;

/// <summary>
/// Starts a fake store on 127.0.0.1 on a free port (HTTP, or HTTPS with a given certificate) and stops
/// it on dispose. Each fake maps its own routes on the app it is handed.
/// </summary>
public sealed class FakeServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeServerHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<FakeServerHost> StartAsync(
        Action<WebApplication> mapRoutes,
        System.Security.Cryptography.X509Certificates.X509Certificate2? httpsCertificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                if (httpsCertificate is not null) listen.UseHttps(httpsCertificate);
            });
        });
        var app = builder.Build();
        mapRoutes(app);
        await app.StartAsync();
        var address = app.Urls.First();
        return new FakeServerHost(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
