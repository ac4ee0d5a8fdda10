using System.Net;
using System.Text.Json;
using ScaiVault.Fakes;
using ScaiVault.Fakes.Vault;

namespace ScaiVault.Federation.Tests.Vault;

/// <summary>The fake itself answers in Vault's wire format (so adapter tests test against the real shapes).</summary>
public sealed class FakeVaultWireTests : IAsyncLifetime
{
    private FakeVault _vault = null!;
    private HttpClient _http = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _vault = await FakeVault.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_vault.Endpoint + "/v1/") };
        _http.DefaultRequestHeaders.Add("X-Vault-Token", _vault.Root.RootToken);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _vault.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json);
        using var response = await _http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Read_KvV2_AnswersNestedEnvelope()
    {
        _vault.Root.KvV2("kv").Put("apps/billing/db", new { username = "billing_app", password = "hunter2" }, new Dictionary<string, string> { ["owner"] = "team-billing" });

        var (status, body) = await SendAsync(HttpMethod.Get, "kv/data/apps/billing/db");

        status.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("lease_id").GetString().ShouldBe("");
        body.GetProperty("data").GetProperty("data").GetProperty("password").GetString().ShouldBe("hunter2");
        var meta = body.GetProperty("data").GetProperty("metadata");
        meta.GetProperty("version").GetInt32().ShouldBe(1);
        meta.GetProperty("deletion_time").GetString().ShouldBe("");
        meta.GetProperty("custom_metadata").GetProperty("owner").GetString().ShouldBe("team-billing");
        body.GetProperty("auth").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Read_MissingOrDeleted_AnswersTheTwo404Shapes()
    {
        var kv = _vault.Root.KvV2("kv");
        kv.Put("a", new { v = 1 });
        kv.Put("a", new { v = 2 });
        kv.Delete("a", 1);

        var (missing, missingBody) = await SendAsync(HttpMethod.Get, "kv/data/nope");
        missing.ShouldBe(HttpStatusCode.NotFound);
        missingBody.GetProperty("errors").GetArrayLength().ShouldBe(0);

        var (deleted, deletedBody) = await SendAsync(HttpMethod.Get, "kv/data/a?version=1");
        deleted.ShouldBe(HttpStatusCode.NotFound);
        deletedBody.GetProperty("data").GetProperty("data").ValueKind.ShouldBe(JsonValueKind.Null);
        deletedBody.GetProperty("data").GetProperty("metadata").GetProperty("deletion_time").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task List_ByVerbAndByQuery_AnswersDirectChildrenAndEmpty404()
    {
        var kv = _vault.Root.KvV2("kv");
        kv.Put("apps/billing/db", new { a = 1 });
        kv.Put("apps/db", new { a = 1 });
        kv.Put("apps/db/x", new { a = 1 });

        var (status, body) = await SendAsync(new HttpMethod("LIST"), "kv/metadata/apps/");
        status.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("data").GetProperty("keys").EnumerateArray().Select(k => k.GetString()).ShouldBe(["billing/", "db", "db/"]);

        var (viaGet, getBody) = await SendAsync(HttpMethod.Get, "kv/metadata/apps/billing?list=true");
        viaGet.ShouldBe(HttpStatusCode.OK);
        getBody.GetProperty("data").GetProperty("keys").EnumerateArray().Select(k => k.GetString()).ShouldBe(["db"]);

        var (empty, emptyBody) = await SendAsync(HttpMethod.Get, "kv/metadata/none/?list=true");
        empty.ShouldBe(HttpStatusCode.NotFound);
        emptyBody.GetProperty("errors").GetArrayLength().ShouldBe(0);
        _vault.CallsTo("LIST kv/metadata").ShouldBe(3);
    }

    [Fact]
    public async Task Metadata_KeysVersionsByString()
    {
        var kv = _vault.Root.KvV2("kv");
        kv.Put("a", new { v = 1 });
        kv.Put("a", new { v = 2 });
        kv.Destroy("a", 1);

        var (_, body) = await SendAsync(HttpMethod.Get, "kv/metadata/a");

        var data = body.GetProperty("data");
        data.GetProperty("current_version").GetInt32().ShouldBe(2);
        data.GetProperty("versions").GetProperty("1").GetProperty("destroyed").GetBoolean().ShouldBeTrue();
        data.GetProperty("versions").GetProperty("2").GetProperty("destroyed").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Write_WithWrongCas_Answers400()
    {
        _vault.Root.KvV2("kv").Put("a", new { v = 1 });

        var (status, body) = await SendAsync(HttpMethod.Post, "kv/data/a", """{"options":{"cas":5},"data":{"v":2}}""");
        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("errors")[0].GetString().ShouldBe("check-and-set parameter did not match the current version");

        var (ok, okBody) = await SendAsync(HttpMethod.Post, "kv/data/a", """{"options":{"cas":1},"data":{"v":2}}""");
        ok.ShouldBe(HttpStatusCode.OK);
        okBody.GetProperty("data").GetProperty("version").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task Mounts_TellKvVersion()
    {
        _vault.Root.KvV2("kv");
        _vault.Root.KvV1("old");

        var (_, v2) = await SendAsync(HttpMethod.Get, "sys/internal/ui/mounts/kv/data/x");
        v2.GetProperty("data").GetProperty("path").GetString().ShouldBe("kv/");
        v2.GetProperty("data").GetProperty("options").GetProperty("version").GetString().ShouldBe("2");

        var (_, v1) = await SendAsync(HttpMethod.Get, "sys/internal/ui/mounts/old/x");
        v1.GetProperty("data").GetProperty("path").GetString().ShouldBe("old/");
        v1.GetProperty("data").GetProperty("options").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Token_FromAnotherNamespaceOrPolicyDenied_Answers403()
    {
        _vault.Root.KvV2("kv").Put("a", new { v = 1 });
        _vault.Root.Policy("reader", "kv/data/other/*", "read");
        var limited = _vault.Root.CreateToken(["reader"]);

        using var request = new HttpRequestMessage(HttpMethod.Get, "kv/data/a");
        request.Headers.Add("X-Vault-Namespace", "acme/");
        using var foreign = await _http.SendAsync(request, Ct);
        foreign.StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        using var denied = new HttpRequestMessage(HttpMethod.Get, "kv/data/a");
        denied.Headers.Add("Authorization", "Bearer " + limited);
        _http.DefaultRequestHeaders.Remove("X-Vault-Token");
        using var answer = await _http.SendAsync(denied, Ct);
        answer.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await answer.Content.ReadAsStringAsync(Ct)).ShouldContain("permission denied");
    }

    [Fact]
    public async Task AppRole_LoginAndRenew_CapsAtMaxTtl()
    {
        var clock = new ManualClock();
        await using var vault = await FakeVault.StartAsync(clock);
        var (roleId, secretId) = vault.Root.AppRole("sv", ["default"], TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15));
        using var http = new HttpClient { BaseAddress = new Uri(vault.Endpoint + "/v1/") };

        using var bad = await http.PostAsync("auth/approle/login", new StringContent($$"""{"role_id":"{{roleId}}","secret_id":"wrong"}"""), Ct);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var login = await http.PostAsync("auth/approle/login", new StringContent($$"""{"role_id":"{{roleId}}","secret_id":"{{secretId}}"}"""), Ct);
        var auth = JsonDocument.Parse(await login.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("auth");
        auth.GetProperty("lease_duration").GetInt32().ShouldBe(600);
        var token = auth.GetProperty("client_token").GetString()!;

        clock.Advance(TimeSpan.FromMinutes(9));
        using var renew = new HttpRequestMessage(HttpMethod.Post, "auth/token/renew-self") { Content = new StringContent("""{"increment":"10m"}""") };
        renew.Headers.Add("X-Vault-Token", token);
        using var renewed = await http.SendAsync(renew, Ct);
        JsonDocument.Parse(await renewed.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("auth").GetProperty("lease_duration").GetInt32().ShouldBe(360);

        clock.Advance(TimeSpan.FromMinutes(7));
        using var lookup = new HttpRequestMessage(HttpMethod.Get, "auth/token/lookup-self");
        lookup.Headers.Add("X-Vault-Token", token);
        (await http.SendAsync(lookup, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Faults_SealedRateLimitedDropped_ThenHealed()
    {
        _vault.Root.KvV2("kv").Put("a", new { v = 1 });
        _vault.Fail(VaultFault.Sealed);
        (await SendAsync(HttpMethod.Get, "kv/data/a")).Status.ShouldBe(HttpStatusCode.ServiceUnavailable);

        _vault.FailNext(VaultFault.RateLimited);
        using (var limited = await _http.GetAsync("kv/data/a", Ct))
        {
            limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
            limited.Headers.RetryAfter.ShouldNotBeNull();
        }
        (await SendAsync(HttpMethod.Get, "kv/data/a")).Status.ShouldBe(HttpStatusCode.OK);

        _vault.FailNext(VaultFault.DropConnection);
        await Should.ThrowAsync<HttpRequestException>(() => _http.GetAsync("kv/data/a", Ct));
    }

    [Fact]
    public async Task Https_WithTestCertificate_IsTrustedThroughItsCa()
    {
        var certs = TestCertificates.Create();
        await using var vault = await FakeVault.StartAsync(https: certs);
        vault.Endpoint.ShouldStartWith("https://127.0.0.1:");
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert!.Issuer == certs.Ca.Subject };
        using var http = new HttpClient(handler);
        using var health = await http.GetAsync(vault.Endpoint + "/v1/sys/health", Ct);
        health.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
