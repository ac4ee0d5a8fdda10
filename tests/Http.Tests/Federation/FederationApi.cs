using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;

namespace ScaiVault.Http.Tests.Federation;

internal static class FederationApi
{
    /// <summary>Configures a test-memory backend as root and returns its id.</summary>
    public static async Task<string> ConfigureMemoryBackend(this IAlbaHost host, string store, string mode = "proxy", object? mapping = null,
        string? interval = null, string resolution = "backend_wins", string name = "memory", string? tenantPrefix = null)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["name"] = name,
            ["type"] = MemoryBackendFactory.TypeName,
            ["config"] = new { store },
            ["path_mapping"] = mapping ?? new Dictionary<string, string> { ["external/mem/**"] = "apps/**" },
            ["mode"] = mode,
            ["sync_interval"] = interval ?? (mode == "sync" ? "1h" : null),
            ["conflict_resolution"] = resolution,
        });
        var result = await host.Call("POST", $"{tenantPrefix}/v1/federation/backends", body, 201);
        return (await result.Json())["id"].Str();
    }

    /// <summary>
    /// A backend that becomes sync mode gets its first run from its sync agent right away: waits (bounded) until
    /// that run finished and returns the status. Call it once after configuring or switching to sync.
    /// </summary>
    public static Task<JsonNode> FirstSync(this IAlbaHost host, string id, TimeSpan? timeout = null) =>
        host.WaitForStatus(id, s => s["last_run_id"] is not null && !s["sync_running"]!.GetValue<bool>() && s["last_report"] is not null, timeout);

    /// <summary>Asks for a sync and waits (bounded) until a run that started after the request has finished; returns the status.</summary>
    public static async Task<JsonNode> SyncNow(this IAlbaHost host, string id, TimeSpan? timeout = null)
    {
        var requested = (await (await host.Call("POST", $"/v1/federation/backends/{id}/sync", null, 202)).Json())["requested_at"]!.GetValue<string>();
        return await host.WaitForStatus(id, s => s["last_run_started_at"]?.GetValue<string>() is { } started
            && string.CompareOrdinal(started, requested) >= 0 && !s["sync_running"]!.GetValue<bool>(), timeout);
    }

    public static async Task<JsonNode> WaitForStatus(this IAlbaHost host, string id, Func<JsonNode, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var status = await host.GetJson($"/v1/federation/backends/{id}/status");
            if (done(status)) return status;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Backend {id} did not reach the expected status: {status.ToJsonString()}");
            await Task.Delay(100);
        }
    }
}
