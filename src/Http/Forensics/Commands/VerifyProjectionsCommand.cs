using System.Text.Json;
using JasperFx.CommandLine;
using ScaiVault.Http.Json;

namespace ScaiVault.Http.Forensics.Commands;

public sealed class VerifyProjectionsInput : NetCoreInput
{
    [Description("Only this projection (Secret, SecretVersionHistory, Policy, Identity); default: all")]
    [FlagAlias("projection", 'p')]
    public string ProjectionFlag { get; set; } = "";

    [Description("Only this tenant; default: every tenant with streams")]
    [FlagAlias("tenant", true)]
    public string TenantFlag { get; set; } = "";

    [Description("Store the documents the events fold to where they differ, and delete those no stream produces")]
    [FlagAlias("repair", true)]
    public bool RepairFlag { get; set; }
}

[Description("Compares every read-model document with what its events fold to: missing, stale, extra", Name = "verify-projections")]
public sealed class VerifyProjectionsCommand : JasperFxAsyncCommand<VerifyProjectionsInput>
{
    public override async Task<bool> Execute(VerifyProjectionsInput input)
    {
        using var host = input.BuildHost();
        var check = ActivatorUtilities.CreateInstance<ReadModelCheck>(host.Services);
        string[] projections = input.ProjectionFlag.Length > 0 ? [input.ProjectionFlag] : [.. ReadModelCheck.Projections];
        if (projections.Except(ReadModelCheck.Projections).Any())
        {
            Console.Error.WriteLine($"invalid_request: --projection must be one of {string.Join(", ", ReadModelCheck.Projections)}.");
            return false;
        }
        var tenants = input.TenantFlag.Length > 0 ? [input.TenantFlag] : await check.TenantsAsync(CancellationToken.None);

        var reports = new List<ReadModelReport>();
        foreach (var projection in projections)
            foreach (var tenant in tenants)
                reports.Add(await check.CheckAsync(projection, tenant, input.RepairFlag, CancellationToken.None));

        using var stdout = Console.OpenStandardOutput();
        await using (var json = new Utf8JsonWriter(stdout, JsonResponse.WriterOptions with { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteBoolean("consistent", reports.All(r => r.Consistent));
            json.WriteStartArray("read_models");
            foreach (var r in reports)
            {
                json.WriteStartObject();
                json.WriteString("projection", r.Projection);
                json.WriteString("tenant", r.Tenant);
                json.WriteNumber("documents", r.Documents);
                WriteIds(json, "missing", r.Missing);
                WriteIds(json, "stale", r.Stale);
                WriteIds(json, "extra", r.Extra);
                json.WriteBoolean("repaired", r.Repaired);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        Console.WriteLine();
        // Exit code 1 while anything differs and was left as it is, so a deploy script can wait on it.
        return reports.All(r => r.Consistent || r.Repaired);
    }

    private static void WriteIds(Utf8JsonWriter json, string name, IReadOnlyList<string> ids)
    {
        json.WriteStartArray(name);
        foreach (var id in ids) json.WriteStringValue(id);
        json.WriteEndArray();
    }
}
