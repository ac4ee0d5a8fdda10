using System.Diagnostics;
using System.Text.Json;
using Alba;
using Marten;
using Npgsql;
using ScaiVault.Http.Identities;
using ScaiVault.Http.Tests.Infrastructure;
using ScaiVault.Http.Tests.Secrets;
using Shouldly;

namespace ScaiVault.Http.Tests.Forensics;

/// <summary>
/// A read model dropped and rebuilt from the events answers every query exactly as before. The rebuild is the
/// documented command itself (Marten's <c>projections rebuild</c>, run as a separate process of the service's
/// own binary, against the same database and schema), not a test-only shortcut.
/// </summary>
public sealed class ProjectionRebuildTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private readonly DateTimeOffset _scaiKeyClock = DateTimeOffset.UtcNow.AddMinutes(-10);

    [Theory]
    [InlineData("Secret", "mt_doc_secret")]
    [InlineData("SecretVersionHistory", "mt_doc_secretversionhistory")]
    [InlineData("Policy", "mt_doc_policy")]
    [InlineData("Identity", "mt_doc_identity")]
    public async Task Rebuild_AfterTheTableWasDropped_AnswersEveryQueryAsBefore(string projection, string table)
    {
        await History();
        var before = await Snapshot();

        await Sql($"DROP TABLE {Fixture.Schema}.{table} CASCADE");
        try
        {
            var (exit, output) = await RunHostCommand("projections", "rebuild", "-p", projection);
            exit.ShouldBe(0, output);
            output.ShouldContain($"Finished rebuilding {projection}");
        }
        finally
        {
            // Whatever happened, the next test needs every table (a no-op when the rebuild recreated it), and plans
            // this host prepared against the dropped table are stale: start again from fresh connections.
            Host.Services.GetRequiredService<NpgsqlDataSource>().Clear();
            await Store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        }

        var after = await Snapshot();
        after.Keys.ShouldBe(before.Keys);
        foreach (var (query, answer) in before) after[query].ShouldBe(answer, query);
    }

    [Fact]
    public async Task Rebuild_OfEveryProjection_ChangesNoAnswer()
    {
        await History();
        var before = await Snapshot();

        var (exit, output) = await RunHostCommand("projections", "rebuild");
        exit.ShouldBe(0, output);
        foreach (var name in new[] { "Secret", "SecretVersionHistory", "Policy", "Identity" }) output.ShouldContain($"Finished rebuilding {name}");

        var after = await Snapshot();
        foreach (var (query, answer) in before) after[query].ShouldBe(answer, query);
    }

    [Fact]
    public async Task Check_TamperedReadModels_FindsMissingStaleAndExtra_AndRepairRestoresEveryAnswer()
    {
        await History();
        var before = await Snapshot();
        var check = ActivatorUtilities.CreateInstance<ScaiVault.Http.Forensics.ReadModelCheck>(Host.Services);
        foreach (var projection in ScaiVault.Http.Forensics.ReadModelCheck.Projections)
            foreach (var tenant in new[] { "default", "acme" })
                (await check.CheckAsync(projection, tenant, repair: false, TestContext.Current.CancellationToken)).Consistent.ShouldBeTrue($"{projection} {tenant}");

        // What a half-finished rebuild or a lost update leaves behind: a row gone, a row out of date, a row no stream made.
        await Sql($"DELETE FROM {Fixture.Schema}.mt_doc_secret WHERE tenant_id = 'acme' AND id = 'ops/key'");
        await Sql($"UPDATE {Fixture.Schema}.mt_doc_policy SET data = jsonb_set(data, '{{Priority}}', '1') WHERE tenant_id = 'default' AND id = 'policy:billing'");
        await Sql($"INSERT INTO {Fixture.Schema}.mt_doc_identity (tenant_id, id, data, mt_dotnet_type, mt_version) " +
                  $"SELECT tenant_id, 'identity:mallory', jsonb_set(data, '{{Id}}', '\"identity:mallory\"'), mt_dotnet_type, mt_version " +
                  $"FROM {Fixture.Schema}.mt_doc_identity WHERE tenant_id = 'acme' AND id = 'identity:alice'");
        Host.Services.GetRequiredService<ScaiVault.Http.Auth.AuthorizationCache>().ClearAll();
        var tampered = await Snapshot();
        before.Count(kv => tampered[kv.Key] != kv.Value).ShouldBeGreaterThan(0);

        var secrets = await check.CheckAsync("Secret", "acme", repair: false, TestContext.Current.CancellationToken);
        secrets.Missing.ShouldBe(["ops/key"]);
        secrets.Stale.ShouldBeEmpty();
        (await check.CheckAsync("Policy", "default", repair: false, TestContext.Current.CancellationToken)).Stale.ShouldBe(["policy:billing"]);
        (await check.CheckAsync("Identity", "acme", repair: false, TestContext.Current.CancellationToken)).Extra.ShouldBe(["identity:mallory"]);
        (await check.CheckAsync("Secret", "default", repair: false, TestContext.Current.CancellationToken)).Consistent.ShouldBeTrue();

        foreach (var (projection, tenant) in new[] { ("Secret", "acme"), ("Policy", "default"), ("Identity", "acme") })
            (await check.CheckAsync(projection, tenant, repair: true, TestContext.Current.CancellationToken)).Repaired.ShouldBeTrue();
        Host.Services.GetRequiredService<ScaiVault.Http.Auth.AuthorizationCache>().ClearAll();
        var after = await Snapshot();
        foreach (var (query, answer) in before) after[query].ShouldBe(answer, query);
        foreach (var projection in ScaiVault.Http.Forensics.ReadModelCheck.Projections)
            (await check.CheckAsync(projection, "acme", repair: false, TestContext.Current.CancellationToken)).Consistent.ShouldBeTrue(projection);
    }

    /// <summary>Secrets in two tenants through every kind of change, policies with bindings, and a ScaiKey user.</summary>
    private async Task History()
    {
        foreach (var prefix in new[] { "", "/t/acme" })
        {
            await Host.Call("PUT", $"{prefix}/v1/secrets/apps/billing/db", """{"data": {"password": "p1"}, "metadata": {"tags": ["billing"], "owner": "team:billing"}, "options": {"max_versions": 3}}""");
            await Host.Call("PUT", $"{prefix}/v1/secrets/apps/billing/db", """{"data": {"password": "p2"}}""");
            await Host.Call("PUT", $"{prefix}/v1/secrets/apps/billing/db", """{"data": {"password": "p3"}}""");
            await Host.Call("PUT", $"{prefix}/v1/secrets/apps/billing/db", """{"data": {"password": "p4"}}""");
            await Host.Call("POST", $"{prefix}/v1/delete/apps/billing/db", """{"versions": [3]}""", 204);
            await Host.Call("PUT", $"{prefix}/v1/secrets/apps/billing/api", "{\"data\": \"token-1\", \"secret_type\": \"string\"}");
            await Host.Call("POST", $"{prefix}/v1/destroy/apps/billing/api", null, 204);
            await Host.Call("PUT", $"{prefix}/v1/secrets/ops/key", "{\"data\": \"AAEC\", \"secret_type\": \"binary\"}");
            await Host.Call("PATCH", $"{prefix}/v1/metadata/ops/key", """{"metadata": {"description": "ops key", "rotation": "monthly"}}""");
            await Host.Call("PUT", $"{prefix}/v1/secrets/tmp/gone", """{"data": {"x": "y"}}""");
            await Host.Call("DELETE", $"{prefix}/v1/secrets/tmp/gone", status: 204);
            await Host.Call("POST", $"{prefix}/v1/policies", """{"name": "billing", "rules": [{"path": "apps/billing/**", "actions": ["read", "list"], "effect": "allow"}]}""", 201);
            await Host.Call("POST", $"{prefix}/v1/policies/billing/bindings", """{"subject": "group:billing"}""", 204);
            await Host.Call("POST", $"{prefix}/v1/policies", """{"name": "old", "rules": [{"path": "**", "actions": ["read"], "effect": "deny"}]}""", 201);
            await Host.Call("DELETE", $"{prefix}/v1/policies/old", status: 204);
        }
        await Host.PostWebhook(ScaiKeyWebhooks.UserUpdated("alice", ["billing"], occurredAt: _scaiKeyClock));
        await Host.PostWebhook(ScaiKeyWebhooks.Delivery("group.member.added", new { user_id = "alice", group = "ops" }, occurredAt: _scaiKeyClock.AddSeconds(1)));
        await Host.PostWebhook(ScaiKeyWebhooks.UserUpdated("bob", ["billing"], disabled: true, occurredAt: _scaiKeyClock));
    }

    /// <summary>Every read the API offers over the read models, as status and exact body.</summary>
    private async Task<Dictionary<string, string>> Snapshot()
    {
        var answers = new Dictionary<string, string>();
        foreach (var prefix in new[] { "", "/t/acme" })
        {
            foreach (var path in new[] { "apps/billing/db", "apps/billing/api", "ops/key", "tmp/gone" })
            {
                await Answer(answers, $"{prefix}/v1/secrets/{path}");
                await Answer(answers, $"{prefix}/v1/metadata/{path}");
            }
            foreach (var version in new[] { 1, 2, 3, 4 }) await Answer(answers, $"{prefix}/v1/secrets/apps/billing/db?version={version}");
            await Answer(answers, $"{prefix}/v1/secrets?prefix=");
            await Answer(answers, $"{prefix}/v1/secrets?prefix=apps&limit=1");
            await Answer(answers, $"{prefix}/v1/policies");
            await Answer(answers, $"{prefix}/v1/policies/billing");
            await Answer(answers, $"{prefix}/v1/policies/old");
        }
        // Policy enforcement reads the identity and policy documents: the same token must get the same answers.
        foreach (var user in new[] { "alice", "bob" })
        {
            var token = Fixture.Tokens.Mint(sub: user, tenant: "acme", groups: []);
            await Answer(answers, "/v1/secrets/apps/billing/db", token);
            await Answer(answers, "/v1/secrets?prefix=", token);
            var cached = await Host.Services.GetRequiredService<IdentityCache>().GetAsync("acme", user, TestContext.Current.CancellationToken);
            answers[$"identity cache {user}"] = JsonSerializer.Serialize(cached);
        }
        return answers;
    }

    private async Task Answer(Dictionary<string, string> answers, string url, string? token = null)
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url(url);
            if (token is null) s.AsRoot();
            else s.WithToken(token);
            s.WithRequestHeader("X-Request-ID", "snapshot");       // error envelopes carry it: fixed, so they compare
            s.IgnoreStatusCode();
        });
        answers[(token is null ? "root " : "token ") + url] = $"{result.Context.Response.StatusCode} {await result.ReadAsTextAsync()}";
    }

    private async Task Sql(string command)
    {
        await using var connection = await Host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var sql = new NpgsqlCommand(command, connection);
        await sql.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Runs the service binary with a command, as an operator would (<c>dotnet run --project src/Http -- ...</c>),
    /// against this run's database and schema (inherited from the fixture's environment).
    /// </summary>
    private static async Task<(int Exit, string Output)> RunHostCommand(params string[] args)
    {
        // The service's own build output (src/Http/bin/<configuration>/<tfm>), not this test folder: the host scans
        // the assemblies next to it for commands, and the test runner's assemblies are not meant to be scanned.
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        var (framework, configuration) = (testBin.Name, testBin.Parent!.Name);
        var root = testBin;
        while (!File.Exists(System.IO.Path.Combine(root.FullName, "ScaiVault.sln"))) root = root.Parent!;
        var serviceBin = System.IO.Path.Combine(root.FullName, "src", "Http", "bin", configuration, framework);
        var binary = System.IO.Path.Combine(serviceBin, "ScaiVault.Http.dll");
        File.Exists(binary).ShouldBeTrue($"{binary} is built with the tests (a project reference)");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = serviceBin };
        start.ArgumentList.Add(binary);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
