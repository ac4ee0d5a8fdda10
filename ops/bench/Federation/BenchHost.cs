using System.Text.Json.Nodes;
using Alba;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace ScaiVault.Bench.Federation;

/// <summary>ScaiVault in-process (Alba's TestServer, so the client leg has no socket) with a fresh schema, called as root.</summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private const string Root = "svr_bench-root";
    private readonly IAlbaHost _host;

    private BenchHost(IAlbaHost host) => _host = host;

    public static async Task<BenchHost> StartAsync()
    {
        // WebApplicationFactory looks for the host's content root next to the solution; point it at src/Http.
        var repo = new DirectoryInfo(AppContext.BaseDirectory);
        while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "ScaiVault.sln"))) repo = repo.Parent;
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SCAIVAULT_HTTP", Path.Combine(repo!.FullName, "src", "Http"));
        Environment.SetEnvironmentVariable("SCAIVAULT_ROOT_TOKEN", Root);
        Environment.SetEnvironmentVariable("SCAIVAULT_DB_SCHEMA", "bench_fed_" + Guid.NewGuid().ToString("N")[..8]);
        JasperFxEnvironment.AutoStartHost = true;
        return new BenchHost(await AlbaHost.For<global::Program>(x => x.UseEnvironment("Production").ConfigureServices(s =>
        {
            s.RunWolverineInSoloMode();
            s.DisableAllExternalWolverineTransports();
        })));
    }

    public async Task<JsonNode> Call(string method, string url, string? body = null, int status = 200)
    {
        var result = await _host.Scenario(s =>
        {
            (method switch { "POST" => s.Post, "PATCH" => s.Patch, "PUT" => s.Put, _ => s.Get }).Url(url);
            s.WithRequestHeader("Authorization", $"Bearer {Root}");
            if (body is not null) s.Body.TextIs(body);
            s.StatusCodeShouldBe(status);
        });
        var text = await result.ReadAsTextAsync();
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    /// <summary>Asks for a sync and waits for the run that started after the request; returns the status.</summary>
    public async Task<JsonNode> SyncNow(string id)
    {
        var before = (await Call("GET", $"/v1/federation/backends/{id}/status"))["last_run_id"]?.GetValue<string>();
        await Call("POST", $"/v1/federation/backends/{id}/sync", status: 202);
        while (true)
        {
            var status = await Call("GET", $"/v1/federation/backends/{id}/status");
            if (status["last_run_id"]?.GetValue<string>() is { } run && run != before && !status["sync_running"]!.GetValue<bool>()) return status;
            await Task.Delay(200);
        }
    }

    public static double Percentile(List<double> xs, double q)
    {
        var sorted = xs.Order().ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * sorted.Length))];
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
