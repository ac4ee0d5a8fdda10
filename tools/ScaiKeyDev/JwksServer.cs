using System.Net;
using System.Text;

namespace ScaiKeyDev;

/// <summary>
/// Serves <c>jwks.json</c> over HTTP on 127.0.0.1, for trying ScaiVault's URL-based key retrieval. The
/// file is read on every request, so a key replaced with <c>init --force</c> is served without a restart.
/// </summary>
public sealed class JwksServer(string dir, int port, TextWriter log) : IDisposable
{
    private readonly HttpListener listener = new();

    public string JwksUrl => $"http://127.0.0.1:{port}{Defaults.JwksRoute}";

    /// <summary>Separate from <see cref="RunAsync"/> so that a taken port is reported before anything says "serving".</summary>
    public void Start()
    {
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        try { listener.Start(); }
        catch (HttpListenerException e) { throw new UserError($"Cannot listen on 127.0.0.1:{port} ({e.Message}); choose another --port."); }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        // Stopping the listener is the only way to end a pending GetContextAsync.
        await using var _ = stop.Register(listener.Stop);
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception) when (stop.IsCancellationRequested) { return; }
            // A client that hangs up mid-answer must not end the server for everyone else.
            try { await RespondAsync(context); }
            catch (Exception e) when (e is HttpListenerException or IOException) { await log.WriteLineAsync($"answer not sent: {e.Message}"); }
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var (status, contentType, body) = (request.HttpMethod, request.Url?.AbsolutePath) switch
        {
            ("GET" or "HEAD", Defaults.JwksRoute) when File.Exists(KeyStore.JwksPath(dir)) =>
                (200, "application/json", await File.ReadAllTextAsync(KeyStore.JwksPath(dir))),
            ("GET" or "HEAD", Defaults.JwksRoute) => (503, "text/plain", $"No {KeyStore.JwksFile} in {dir}; run `init`.\n"),
            _ => (404, "text/plain", $"Only GET {Defaults.JwksRoute} is served here.\n"),
        };
        var bytes = Encoding.UTF8.GetBytes(body);
        using var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType + "; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        if (request.HttpMethod != "HEAD") await response.OutputStream.WriteAsync(bytes);
        await log.WriteLineAsync($"{request.HttpMethod} {request.Url?.AbsolutePath} -> {status}");
    }

    public void Dispose() => ((IDisposable)listener).Dispose();
}
