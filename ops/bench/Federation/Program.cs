using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ScaiVault.Fakes.Vault;
using Wolverine;

// A benchmark, not a test: it prints figures whatever they are. ScaiVault runs in-process (Alba's TestServer,
// so the client leg to ScaiVault has no socket); the fake Vault is a real HTTP server on 127.0.0.1.
internal static class FederationBench
{
    public static async Task Main()
    {
        var secrets = int.TryParse(Environment.GetEnvironmentVariable("BENCH_FED_SECRETS"), out var n) ? n : 10_000;
        var reads = int.TryParse(Environment.GetEnvironmentVariable("BENCH_FED_READS"), out var r) ? r : 2_000;
        const string Root = "svr_bench-root";
        // WebApplicationFactory looks for the host's content root next to the solution; point it at src/Http.
        var repo = new DirectoryInfo(AppContext.BaseDirectory);
        while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "ScaiVault.sln"))) repo = repo.Parent;
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SCAIVAULT_HTTP", Path.Combine(repo!.FullName, "src", "Http"));
        Environment.SetEnvironmentVariable("SCAIVAULT_ROOT_TOKEN", Root);
        Environment.SetEnvironmentVariable("SCAIVAULT_DB_SCHEMA", "bench_fed_" + Guid.NewGuid().ToString("N")[..8]);

        await using var vault = await FakeVault.StartAsync();
        var kv = vault.Root.KvV2("kv");
        var seed = Stopwatch.StartNew();
        for (var i = 0; i < secrets; i++)
            for (var v = 1; v <= 3; v++)
                kv.Put($"apps/team{i % 100:D3}/svc{i:D5}", new { password = $"p{i}-{v}", user = $"u{i}" });
        Console.WriteLine($"seeded {secrets} secrets x 3 versions in the fake Vault in {seed.ElapsedMilliseconds} ms");

        JasperFxEnvironment.AutoStartHost = true;
        await using var host = await AlbaHost.For<global::Program>(x => x.UseEnvironment("Production").ConfigureServices(s =>
        {
            s.RunWolverineInSoloMode();
            s.DisableAllExternalWolverineTransports();
        }));

        async Task<JsonNode> Call(string method, string url, string? body = null, int status = 200)
        {
            var result = await host.Scenario(s =>
            {
                (method switch { "POST" => s.Post, "PATCH" => s.Patch, "PUT" => s.Put, _ => s.Get }).Url(url);
                s.WithRequestHeader("Authorization", $"Bearer {Root}");
                if (body is not null) s.Body.TextIs(body);
                s.StatusCodeShouldBe(status);
            });
            var text = await result.ReadAsTextAsync();
            return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
        }

        async Task<JsonNode> SyncNow(string id)
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

        var token = vault.Root.CreateToken(["root"]);
        await Call("PUT", "/v1/secrets/infra/vault/token", JsonSerializer.Serialize(new { data = new { token }, secret_type = "json" }));
        var backend = await Call("POST", "/v1/federation/backends", JsonSerializer.Serialize(new
        {
            name = "bench-vault", type = "hashicorp-vault",
            config = new { endpoint = vault.Endpoint, auth_method = "token", auth_config_path = "infra/vault/token" },
            path_mapping = new Dictionary<string, string> { ["external/vault/**"] = "kv/data/**" },
            mode = "proxy",
        }), 201);
        var id = backend["id"]!.GetValue<string>();

        // Proxy overhead: sequential reads through ScaiVault vs the same read straight from the fake.
        using var direct = new HttpClient { BaseAddress = new Uri(vault.Endpoint + "/v1/") };
        direct.DefaultRequestHeaders.Add("X-Vault-Token", token);
        var directMs = new List<double>();
        var proxyMs = new List<double>();
        for (var i = 0; i < reads + 200; i++)
        {
            var name = $"apps/team{i % 100:D3}/svc{i % secrets:D5}";
            var t = Stopwatch.StartNew();
            using (var response = await direct.GetAsync($"kv/data/{name}")) { response.EnsureSuccessStatusCode(); await response.Content.ReadAsByteArrayAsync(); }
            var d = t.Elapsed.TotalMilliseconds;
            t.Restart();
            await Call("GET", $"/v1/secrets/external/vault/{name}");
            var p = t.Elapsed.TotalMilliseconds;
            if (i >= 200) { directMs.Add(d); proxyMs.Add(p); }   // the first 200 are warm-up
        }
        static double P(List<double> xs, double q) { var s = xs.Order().ToArray(); return s[(int)Math.Min(s.Length - 1, Math.Floor(q * s.Length))]; }
        Console.WriteLine($"proxy read: direct p50 {P(directMs, .5):F2} ms p99 {P(directMs, .99):F2} ms; through ScaiVault p50 {P(proxyMs, .5):F2} ms p99 {P(proxyMs, .99):F2} ms; overhead p50 {P(proxyMs, .5) - P(directMs, .5):F2} ms ({reads} sequential reads)");

        await Call("PATCH", $"/v1/federation/backends/{id}", """{"mode": "sync", "sync_interval": "7d"}""");
        var cold = await SyncNow(id);
        Console.WriteLine($"cold sync: {cold["last_report"]!.ToJsonString()}");
        var unchanged = await SyncNow(id);
        Console.WriteLine($"unchanged sync: {unchanged["last_report"]!.ToJsonString()}");
        Console.WriteLine($"RESULT cold_ms={cold["last_report"]!["duration_ms"]} unchanged_ms={unchanged["last_report"]!["duration_ms"]} proxy_overhead_p50_ms={P(proxyMs, .5) - P(directMs, .5):F2} direct_p50_ms={P(directMs, .5):F2} proxy_p50_ms={P(proxyMs, .5):F2}");

    }
}
