using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation.Tests.Vault;

public sealed class VaultAuthTests : IAsyncLifetime
{
    private VaultTestKit _kit = null!;
    private static CancellationToken Ct => VaultTestKit.Ct;

    public async ValueTask InitializeAsync()
    {
        _kit = await VaultTestKit.StartAsync();
        _kit.Vault.Root.KvV2("kv").Put("apps/db", new { password = "p" });
        _kit.Vault.Root.Policy("reader", "kv/data/*", "read", "list");
        _kit.Vault.Root.Policy("reader", "kv/metadata/*", "read", "list");
    }

    public async ValueTask DisposeAsync() => await _kit.DisposeAsync();

    private IFederationBackend AppRoleBackend(TimeSpan ttl, TimeSpan maxTtl, string mount = "approle", string? ns = null)
    {
        var target = ns is null ? _kit.Vault.Root : _kit.Vault.Namespace(ns);
        var (roleId, secretId) = target.AppRole("scaivault-federation", ["reader"], ttl, maxTtl, mount);
        _kit.Credentials.Json("infra/hashicorp/approle", new { role_id = roleId, secret_id = secretId });
        return _kit.Backend(new
        {
            endpoint = _kit.Vault.Endpoint, auth_method = "approle", auth_config_path = "infra/hashicorp/approle",
            mount_path = mount == "approle" ? null : mount, @namespace = ns,
        });
    }

    [Fact]
    public async Task Token_FromCredentialSecret_IsUsedAndReadOnce()
    {
        var token = _kit.Vault.Root.CreateToken(["reader"]);
        _kit.Credentials.Json("infra/vault/token", new { token });
        var backend = _kit.Backend(new { endpoint = _kit.Vault.Endpoint, auth_config_path = "infra/vault/token" });

        (await backend.ReadAsync("kv/data/apps/db", Ct)).ShouldNotBeNull();
        (await backend.ReadAsync("kv/data/apps/db", Ct)).ShouldNotBeNull();

        _kit.Credentials.Reads.ShouldBe(1);
        _kit.Vault.Requests.Where(r => r.Path.StartsWith("kv/")).ShouldAllBe(r => r.HadToken);
    }

    [Fact]
    public async Task Token_AsAPlainStringSecret_IsAccepted()
    {
        _kit.Credentials.Raw("infra/vault/token", SecretType.String, _kit.Vault.Root.CreateToken(["reader"]));
        var backend = _kit.Backend(new { endpoint = _kit.Vault.Endpoint, auth_config_path = "infra/vault/token" });

        (await backend.ReadAsync("kv/data/apps/db", Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Token_RenewableWithTtl_IsRenewedBeforeItExpires()
    {
        var token = _kit.Vault.Root.CreateToken(["reader"], ttl: TimeSpan.FromHours(1), maxTtl: TimeSpan.FromHours(24), renewable: true);
        _kit.Credentials.Json("infra/vault/token", new { token });
        var backend = _kit.Backend(new { endpoint = _kit.Vault.Endpoint, auth_config_path = "infra/vault/token" });

        await backend.ReadAsync("kv/data/apps/db", Ct);
        _kit.Clock.Advance(TimeSpan.FromMinutes(45));
        await backend.ReadAsync("kv/data/apps/db", Ct);

        _kit.Vault.Root.Token(token)!.Renewals.ShouldBe(1);
        _kit.Vault.Root.Token(token)!.ExpiresAt.ShouldBe(_kit.Clock.GetUtcNow() + TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task Token_RevokedInVault_IsAccessDeniedAfterRereadingTheSecret()
    {
        var token = _kit.Vault.Root.CreateToken(["reader"]);
        _kit.Credentials.Json("infra/vault/token", new { token });
        var backend = _kit.Backend(new { endpoint = _kit.Vault.Endpoint, auth_config_path = "infra/vault/token" });
        await backend.ReadAsync("kv/data/apps/db", Ct);
        _kit.Vault.Root.RevokeToken(token);

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("kv/data/apps/db", Ct));

        e.Failure.ShouldBe(BackendFailure.AccessDenied);
        e.Message.ShouldNotContain(token);
        _kit.Credentials.Reads.ShouldBe(2);                              // a rotated token would have been picked up
    }

    [Fact]
    public async Task Token_RotatedInScaiVault_IsPickedUpOnTheNext403()
    {
        var old = _kit.Vault.Root.CreateToken(["reader"]);
        _kit.Credentials.Json("infra/vault/token", new { token = old });
        var backend = _kit.Backend(new { endpoint = _kit.Vault.Endpoint, auth_config_path = "infra/vault/token" });
        await backend.ReadAsync("kv/data/apps/db", Ct);
        _kit.Vault.Root.RevokeToken(old);
        _kit.Credentials.Json("infra/vault/token", new { token = _kit.Vault.Root.CreateToken(["reader"]) });

        (await backend.ReadAsync("kv/data/apps/db", Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task AppRole_LogsInOnceAndReusesTheToken()
    {
        var backend = AppRoleBackend(TimeSpan.FromHours(1), TimeSpan.FromHours(24));

        await backend.ReadAsync("kv/data/apps/db", Ct);
        await backend.ReadAsync("kv/data/apps/db", Ct);
        await backend.ListAsync("kv/data/", Ct).ToListAsync();

        _kit.Vault.CallsTo("POST auth/approle/login").ShouldBe(1);
        backend.OutboundCalls.ShouldBe(_kit.Vault.TotalCalls);
    }

    [Fact]
    public async Task AppRole_TokenIsRenewedAtTwoThirdsOfItsLease_NotBefore()
    {
        var backend = AppRoleBackend(TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        await backend.ReadAsync("kv/data/apps/db", Ct);
        var token = _kit.Vault.Root.AllTokens.Single(t => t.Path == "auth/approle/login");

        _kit.Clock.Advance(TimeSpan.FromMinutes(39));
        await backend.ReadAsync("kv/data/apps/db", Ct);
        token.Renewals.ShouldBe(0);

        _kit.Clock.Advance(TimeSpan.FromMinutes(2));
        await backend.ReadAsync("kv/data/apps/db", Ct);
        token.Renewals.ShouldBe(1);

        _kit.Clock.Advance(TimeSpan.FromMinutes(50));                    // past the original hour: alive thanks to renewal
        (await backend.ReadAsync("kv/data/apps/db", Ct)).ShouldNotBeNull();
        _kit.Vault.CallsTo("POST auth/approle/login").ShouldBe(1);
    }

    [Fact]
    public async Task AppRole_NearMaxTtl_LogsInAgainInsteadOfRenewing()
    {
        var backend = AppRoleBackend(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(40));
        await backend.ReadAsync("kv/data/apps/db", Ct);

        _kit.Clock.Advance(TimeSpan.FromMinutes(21));                    // renewal could grant only 19 of 30 minutes: fine
        await backend.ReadAsync("kv/data/apps/db", Ct);
        _kit.Clock.Advance(TimeSpan.FromMinutes(13));                    // 6 minutes left before max TTL: renewal is useless
        await backend.ReadAsync("kv/data/apps/db", Ct);

        _kit.Vault.CallsTo("POST auth/approle/login").ShouldBe(2);
    }

    [Fact]
    public async Task AppRole_TokenRevoked_LogsInAgainAndSucceeds()
    {
        var backend = AppRoleBackend(TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        await backend.ReadAsync("kv/data/apps/db", Ct);
        foreach (var t in _kit.Vault.Root.AllTokens.Where(t => t.Path == "auth/approle/login")) _kit.Vault.Root.RevokeToken(t.Id);

        (await backend.ReadAsync("kv/data/apps/db", Ct)).ShouldNotBeNull();

        _kit.Vault.CallsTo("POST auth/approle/login").ShouldBe(2);
    }

    [Fact]
    public async Task AppRole_WrongSecretId_IsAccessDeniedWithoutTheCredentialsInTheMessage()
    {
        var (roleId, _) = _kit.Vault.Root.AppRole("r", ["reader"], TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        _kit.Credentials.Json("infra/hashicorp/approle", new { role_id = roleId, secret_id = "wrong-secret-id-123" });
        var backend = _kit.Backend(new { endpoint = _kit.Vault.Endpoint, auth_method = "approle", auth_config_path = "infra/hashicorp/approle" });

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("kv/data/apps/db", Ct));

        e.Failure.ShouldBe(BackendFailure.AccessDenied);
        e.Message.ShouldContain("infra/hashicorp/approle");
        e.Message.ShouldNotContain("wrong-secret-id-123");
        e.Message.ShouldNotContain(roleId);
    }

    [Fact]
    public async Task AppRole_CustomMountPath_IsUsedForLogin()
    {
        var backend = AppRoleBackend(TimeSpan.FromHours(1), TimeSpan.FromHours(2), mount: "approle-scaivault");

        (await backend.ReadAsync("kv/data/apps/db", Ct)).ShouldNotBeNull();

        _kit.Vault.CallsTo("POST auth/approle-scaivault/login").ShouldBe(1);
    }

    [Fact]
    public async Task CredentialSecret_MissingOrMisshapen_IsCredentialsUnusable()
    {
        var missing = _kit.Backend(new { endpoint = _kit.Vault.Endpoint, auth_method = "approle", auth_config_path = "infra/nothing" });
        var e1 = await Should.ThrowAsync<FederationBackendException>(() => missing.ReadAsync("kv/data/apps/db", Ct));
        e1.Failure.ShouldBe(BackendFailure.CredentialsUnusable);
        e1.Message.ShouldContain("infra/nothing");

        _kit.Credentials.Json("infra/half", new { role_id = "only-the-role" });
        var half = _kit.Backend(new { endpoint = _kit.Vault.Endpoint, auth_method = "approle", auth_config_path = "infra/half" });
        var e2 = await Should.ThrowAsync<FederationBackendException>(() => half.ReadAsync("kv/data/apps/db", Ct));
        e2.Failure.ShouldBe(BackendFailure.CredentialsUnusable);
        e2.Message.ShouldContain("secret_id");
        e2.Message.ShouldNotContain("only-the-role");

        _kit.Credentials.Raw("infra/notjson", SecretType.Json, "not json at all");
        var garbage = _kit.Backend(new { endpoint = _kit.Vault.Endpoint, auth_method = "approle", auth_config_path = "infra/notjson" });
        (await Should.ThrowAsync<FederationBackendException>(() => garbage.ReadAsync("kv/data/apps/db", Ct))).Failure.ShouldBe(BackendFailure.CredentialsUnusable);
        _kit.Vault.CallsTo("POST auth/approle/login").ShouldBe(0);
    }

    [Fact]
    public async Task Kubernetes_LogsInWithTheServiceAccountJwtFromItsFile()
    {
        var jwtFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(jwtFile, "eyJhbGciOiJSUzI1NiJ9.fake-sa-token.sig\n", Ct);
            _kit.Vault.Root.KubernetesRole("scaivault", "eyJhbGciOiJSUzI1NiJ9.fake-sa-token.sig", ["reader"],
                TimeSpan.FromHours(1), TimeSpan.FromHours(4), mount: "k8s-prod");
            var backend = _kit.Backend(new
            {
                endpoint = _kit.Vault.Endpoint, auth_method = "kubernetes", role = "scaivault", mount_path = "k8s-prod", jwt_path = jwtFile,
            });

            (await backend.ReadAsync("kv/data/apps/db", Ct)).ShouldNotBeNull();
            _kit.Vault.CallsTo("POST auth/k8s-prod/login").ShouldBe(1);

            await File.WriteAllTextAsync(jwtFile, "some-other-jwt", Ct);
            foreach (var t in _kit.Vault.Root.AllTokens.Where(t => t.Path == "auth/k8s-prod/login")) _kit.Vault.Root.RevokeToken(t.Id);
            var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("kv/data/apps/db", Ct));
            e.Failure.ShouldBe(BackendFailure.AccessDenied);
            e.Message.ShouldNotContain("some-other-jwt");
        }
        finally { File.Delete(jwtFile); }
    }

    [Fact]
    public async Task Kubernetes_RoleFromCredentialSecret_AndMissingJwtFileIsCredentialsUnusable()
    {
        _kit.Credentials.Json("infra/k8s", new { role = "scaivault" });
        var backend = _kit.Backend(new
        {
            endpoint = _kit.Vault.Endpoint, auth_method = "kubernetes", auth_config_path = "infra/k8s", jwt_path = "/nonexistent/token",
        });

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("kv/data/apps/db", Ct));

        e.Failure.ShouldBe(BackendFailure.CredentialsUnusable);
        e.Message.ShouldContain("/nonexistent/token");
    }

    [Fact]
    public async Task Namespace_IsSentOnEveryCallIncludingLogin_AndScopesTheData()
    {
        _kit.Vault.Namespace("acme/finance").KvV2("kv").Put("apps/db", new { password = "finance" });
        _kit.Vault.Namespace("acme/finance").Policy("reader", "kv/*", "read", "list");
        var backend = AppRoleBackend(TimeSpan.FromHours(1), TimeSpan.FromHours(2), ns: "acme/finance/");

        var secret = await backend.ReadAsync("kv/data/apps/db", Ct);
        await backend.ListAsync("kv/data/", Ct).ToListAsync();

        VaultTestKit.Text(secret!.Value).ShouldBe("""{"password":"finance"}""");
        _kit.Vault.Requests.ShouldNotBeEmpty();
        _kit.Vault.Requests.ShouldAllBe(r => r.Namespace == "acme/finance");
        _kit.Vault.Requests.ShouldContain(r => r.Path == "auth/approle/login");
    }

    [Fact]
    public async Task Check_IsOneCheapAuthenticatedCall()
    {
        var backend = _kit.Backend();
        await backend.CheckAsync(Ct);
        _kit.Vault.ResetCalls();

        var elapsed = await backend.CheckAsync(Ct);

        elapsed.ShouldBeGreaterThan(TimeSpan.Zero);
        _kit.Vault.Calls.ShouldBe(new Dictionary<string, int> { ["GET auth/token/lookup-self"] = 1 });
    }
}
