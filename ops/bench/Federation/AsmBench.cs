using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScaiVault.Fakes.Aws;

namespace ScaiVault.Bench.Federation;

/// <summary>
/// AWS Secrets Manager: seeds the fake (which checks every SigV4 signature) with <c>secrets</c> secrets, one in ten
/// with three versions, then measures a cold sync, an unchanged sync and a sync after 1% of the secrets rotated:
/// time, and outbound calls as the sync report counts them and as the fake counted them.
/// </summary>
internal static class AsmBench
{
    public static async Task RunAsync(int secrets)
    {
        // The fake has no quota: the per-backend cap is raised so the figures show ScaiVault, not the default 20 calls/s.
        var rate = Environment.GetEnvironmentVariable("BENCH_ASM_MAX_CALLS_PER_SECOND") ?? "1000";
        await using var asm = await FakeSecretsManager.StartAsync();
        var seed = Stopwatch.StartNew();
        for (var i = 0; i < secrets; i++)
        {
            var name = Name(i);
            asm.Seed(name, $$"""{"password": "p{{i}}-1"}""", tags: new Dictionary<string, string> { ["team"] = $"t{i % 100:D3}" });
            if (i % 10 == 0)
            {
                asm.PutValue(name, $$"""{"password": "p{{i}}-2"}""");
                asm.PutValue(name, $$"""{"password": "p{{i}}-3"}""");
            }
        }
        Console.WriteLine($"seeded {secrets} secrets ({secrets / 10} with 3 versions) in the fake Secrets Manager in {seed.ElapsedMilliseconds} ms");

        await using var host = await BenchHost.StartAsync();
        await host.Call("PUT", "/v1/secrets/infra/aws/keys", JsonSerializer.Serialize(new
        {
            data = new { access_key_id = FakeSecretsManager.AccessKeyId, secret_access_key = FakeSecretsManager.SecretAccessKey },
            secret_type = "json",
        }));
        var backend = await host.Call("POST", "/v1/federation/backends", $$"""
            {"name": "bench-asm", "type": "aws-secrets-manager",
             "config": {"region": "us-east-1", "credentials_path": "infra/aws/keys", "endpoint": "{{asm.Endpoint}}", "max_calls_per_second": {{rate}}},
             "path_mapping": {"external/aws/**": "prod/**"}, "mode": "proxy"}
            """, 201);
        var id = backend["id"]!.GetValue<string>();

        async Task<JsonNode> Measured(string label)
        {
            asm.ResetCalls();
            var report = (await host.SyncNow(id))["last_report"]!;
            var calls = report["backend_calls"]!.GetValue<long>();
            Console.WriteLine($"{label} sync: {report["duration_ms"]} ms, {calls} calls ({calls * 100.0 / secrets:F2} per 100 secrets; the fake counted {asm.TotalCalls}: " +
                $"{string.Join(", ", new[] { "ListSecrets", "ListSecretVersionIds", "GetSecretValue", "BatchGetSecretValue", "DescribeSecret" }.Select(o => $"{o} {asm.Calls(o)}"))}); " +
                $"synced {report["synced"]}, versions {report["versions_imported"]}, unchanged {report["unchanged"]}, errors {report["errors"]!.AsArray().Count}");
            return report;
        }

        await host.Call("PATCH", $"/v1/federation/backends/{id}", """{"mode": "sync", "sync_interval": "7d"}""");
        var cold = await Measured("cold");
        var unchanged = await Measured("unchanged");
        for (var i = 0; i < secrets; i += 100) asm.PutValue(Name(i), $$"""{"password": "p{{i}}-rotated"}""");
        var rotated = await Measured("1% rotated");
        Console.WriteLine($"RESULT secrets={secrets} max_calls_per_second={rate} cold_ms={cold["duration_ms"]} cold_calls={cold["backend_calls"]} " +
            $"unchanged_ms={unchanged["duration_ms"]} unchanged_calls={unchanged["backend_calls"]} " +
            $"unchanged_calls_per_100={unchanged["backend_calls"]!.GetValue<long>() * 100.0 / secrets:F2} rotated_ms={rotated["duration_ms"]} rotated_calls={rotated["backend_calls"]}");
    }

    private static string Name(int i) => $"prod/team{i % 100:D3}/svc{i:D5}";
}
