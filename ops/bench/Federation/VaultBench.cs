using System.Diagnostics;
using System.Text.Json;
using ScaiVault.Fakes.Vault;

namespace ScaiVault.Bench.Federation;

/// <summary>
/// Vault: seeds the fake with <c>secrets</c> secrets of 3 versions, measures <c>reads</c> sequential proxied reads
/// against direct reads of the fake, then a cold and an unchanged sync.
/// </summary>
internal static class VaultBench
{
    public static async Task RunAsync(int secrets, int reads)
    {
        await using var vault = await FakeVault.StartAsync();
        var kv = vault.Root.KvV2("kv");
        var seed = Stopwatch.StartNew();
        for (var i = 0; i < secrets; i++)
            for (var v = 1; v <= 3; v++)
                kv.Put($"apps/team{i % 100:D3}/svc{i:D5}", new { password = $"p{i}-{v}", user = $"u{i}" });
        Console.WriteLine($"seeded {secrets} secrets x 3 versions in the fake Vault in {seed.ElapsedMilliseconds} ms");

        await using var host = await BenchHost.StartAsync();
        var token = vault.Root.CreateToken(["root"]);
        await host.Call("PUT", "/v1/secrets/infra/vault/token", JsonSerializer.Serialize(new { data = new { token }, secret_type = "json" }));
        var backend = await host.Call("POST", "/v1/federation/backends", JsonSerializer.Serialize(new
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
            await host.Call("GET", $"/v1/secrets/external/vault/{name}");
            var p = t.Elapsed.TotalMilliseconds;
            if (i >= 200) { directMs.Add(d); proxyMs.Add(p); }   // the first 200 are warm-up
        }
        var (dp50, pp50) = (BenchHost.Percentile(directMs, .5), BenchHost.Percentile(proxyMs, .5));
        Console.WriteLine($"proxy read: direct p50 {dp50:F2} ms p99 {BenchHost.Percentile(directMs, .99):F2} ms; through ScaiVault p50 {pp50:F2} ms p99 {BenchHost.Percentile(proxyMs, .99):F2} ms; overhead p50 {pp50 - dp50:F2} ms ({reads} sequential reads)");

        await host.Call("PATCH", $"/v1/federation/backends/{id}", """{"mode": "sync", "sync_interval": "7d"}""");
        var cold = await host.SyncNow(id);
        Console.WriteLine($"cold sync: {cold["last_report"]!.ToJsonString()}");
        var unchanged = await host.SyncNow(id);
        Console.WriteLine($"unchanged sync: {unchanged["last_report"]!.ToJsonString()}");
        Console.WriteLine($"RESULT cold_ms={cold["last_report"]!["duration_ms"]} unchanged_ms={unchanged["last_report"]!["duration_ms"]} proxy_overhead_p50_ms={pp50 - dp50:F2} direct_p50_ms={dp50:F2} proxy_p50_ms={pp50:F2}");
    }
}
