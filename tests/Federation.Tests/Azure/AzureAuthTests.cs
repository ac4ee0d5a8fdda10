using System.Security.Cryptography.X509Certificates;
using ScaiVault.Fakes.Azure;

namespace ScaiVault.Federation.Tests.Azure;

/// <summary>The three auth methods with the real Azure.Identity credentials against the fake's Entra ID endpoints.</summary>
public sealed class AzureAuthTests : IAsyncLifetime
{
    private AzureHarness _h = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _h = await AzureHarness.StartAsync();
        _h.Fake.Seed("probe", "ok");
    }

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Client_secret_gets_a_token_from_the_tenant_named_by_the_challenge()
    {
        using var backend = _h.Backend(_h.Config("client_secret"));

        (await backend.ReadAsync("probe", Ct))!.Text().ShouldBe("ok");

        _h.Fake.Count("token").ShouldBe(1);
        _h.Fake.Unmatched.ShouldBeEmpty();
    }

    [Fact]
    public async Task Tenant_and_client_id_may_sit_in_the_config_with_only_the_secret_in_the_credentials_secret()
    {
        _h.Credentials.Add("infra/azure/only-secret", new { client_secret = AzureHarness.ClientSecret });
        _h.Credentials.Add("infra/azure/other-tenant",
            new { tenant_id = "another-tenant", client_id = AzureHarness.ClientId, client_secret = AzureHarness.ClientSecret });
        var config = _h.Config();
        config["tenant_id"] = _h.Fake.TenantId;
        config["client_id"] = AzureHarness.ClientId;
        config["credentials_path"] = "infra/azure/only-secret";
        var disagreeing = _h.Config();
        disagreeing["tenant_id"] = _h.Fake.TenantId;
        disagreeing["credentials_path"] = "infra/azure/other-tenant";
        using var backend = _h.Backend(config);
        using var confused = _h.Backend(disagreeing);

        (await backend.ReadAsync("probe", Ct))!.Text().ShouldBe("ok");
        var e = await Should.ThrowAsync<FederationBackendException>(() => confused.ReadAsync("probe", Ct));
        e.Failure.ShouldBe(BackendFailure.CredentialsUnusable);
        e.Message.ShouldContain("tenant_id");
    }

    [Fact]
    public async Task A_wrong_client_secret_is_access_denied()
    {
        _h.Credentials.Add(AzureHarness.CredentialsPath,
            new { tenant_id = _h.Fake.TenantId, client_id = AzureHarness.ClientId, client_secret = "not-the-secret" });
        using var backend = _h.Backend();

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("probe", Ct));

        e.Failure.ShouldBe(BackendFailure.AccessDenied);
        e.Message.ShouldNotContain("not-the-secret");
    }

    [Fact]
    public async Task An_identity_without_a_role_on_the_vault_is_access_denied_not_a_missing_secret()
    {
        _h.Fake.DenyAccess = true;
        using var backend = _h.Backend();

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("probe", Ct));

        e.Failure.ShouldBe(BackendFailure.AccessDenied);
        e.Message.ShouldContain("403 Forbidden");
    }

    [Fact]
    public async Task After_a_refusal_the_credential_secret_is_read_again_so_a_rotation_takes_effect()
    {
        _h.Credentials.Add(AzureHarness.CredentialsPath,
            new { tenant_id = _h.Fake.TenantId, client_id = AzureHarness.ClientId, client_secret = "expired-secret" });
        using var backend = _h.Backend();
        (await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("probe", Ct))).Failure.ShouldBe(BackendFailure.AccessDenied);

        _h.Credentials.Add(AzureHarness.CredentialsPath,
            new { tenant_id = _h.Fake.TenantId, client_id = AzureHarness.ClientId, client_secret = AzureHarness.ClientSecret });

        (await backend.ReadAsync("probe", Ct))!.Text().ShouldBe("ok");
    }

    [Fact]
    public async Task Certificate_in_PEM_signs_a_client_assertion_the_token_endpoint_verifies()
    {
        using var certificate = TestCertificates.CreateClientCertificate("scaivault-kv-reader");
        _h.Fake.RegisterClientCertificate("cert-app", certificate);
        _h.Credentials.Add("infra/azure/cert",
            new { tenant_id = _h.Fake.TenantId, client_id = "cert-app", certificate_pem = TestCertificates.ToPemWithKey(certificate) });
        var config = _h.Config("certificate");
        config["credentials_path"] = "infra/azure/cert";
        using var backend = _h.Backend(config);

        var read = await backend.ReadAsync("probe", Ct);

        _h.Fake.TokenRejections.ShouldBeEmpty();
        read!.Text().ShouldBe("ok");
        _h.Fake.Count("token").ShouldBe(1);
    }

    [Fact]
    public async Task Certificate_as_PKCS12_with_password_works_and_an_unregistered_certificate_is_refused()
    {
        using var registered = TestCertificates.CreateClientCertificate("registered");
        using var other = TestCertificates.CreateClientCertificate("other");
        _h.Fake.RegisterClientCertificate("cert-app", registered);
        _h.Credentials.Add("infra/azure/pfx", new
        {
            tenant_id = _h.Fake.TenantId,
            client_id = "cert-app",
            certificate_pfx_base64 = Convert.ToBase64String(registered.Export(X509ContentType.Pkcs12, "pfx-pass")),
            certificate_password = "pfx-pass",
        });
        _h.Credentials.Add("infra/azure/other",
            new { tenant_id = _h.Fake.TenantId, client_id = "cert-app", certificate_pem = TestCertificates.ToPemWithKey(other) });
        var good = _h.Config("certificate");
        good["credentials_path"] = "infra/azure/pfx";
        var bad = _h.Config("certificate");
        bad["credentials_path"] = "infra/azure/other";

        using var goodBackend = _h.Backend(good);
        using var badBackend = _h.Backend(bad);

        (await goodBackend.ReadAsync("probe", Ct))!.Text().ShouldBe("ok");
        var e = await Should.ThrowAsync<FederationBackendException>(() => badBackend.ReadAsync("probe", Ct));
        e.Failure.ShouldBe(BackendFailure.AccessDenied);
    }

    [Theory]
    [InlineData("{\"tenant_id\":\"t\",\"client_id\":\"c\"}", "client_secret")]
    [InlineData("not json at all", "JSON object")]
    public async Task An_unusable_credentials_secret_says_which_field_is_missing(string secret, string expected)
    {
        _h.Credentials.AddRaw(AzureHarness.CredentialsPath, secret);
        using var backend = _h.Backend();

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("probe", Ct));

        e.Failure.ShouldBe(BackendFailure.CredentialsUnusable);
        e.Message.ShouldContain(expected);
        _h.Fake.Count("vault").ShouldBe(0);
    }

    [Fact]
    public async Task A_vault_whose_certificate_the_configured_CA_did_not_sign_is_unavailable_not_trusted()
    {
        await using var stranger = await FakeAzureKeyVault.StartAsync();
        var config = _h.Config();
        config["ca_cert"] = stranger.CaPem;     // trusts another CA only
        using var backend = _h.Backend(config);

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("probe", Ct));

        e.Failure.ShouldBe(BackendFailure.Unavailable);
        _h.Fake.Count("vault").ShouldBe(0);
    }
}

/// <summary>
/// Managed identity through Azure.Identity's own discovery: the App Service variables IDENTITY_ENDPOINT and
/// IDENTITY_HEADER point it at the fake. They are process-wide, so this class runs alone and restores them.
/// </summary>
[CollectionDefinition(nameof(ManagedIdentityCollection), DisableParallelization = true)]
public sealed class ManagedIdentityCollection;

[Collection(nameof(ManagedIdentityCollection))]
public sealed class AzureManagedIdentityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task System_and_user_assigned_identities_get_tokens_from_the_hosts_identity_endpoint()
    {
        await using var h = await AzureHarness.StartAsync();
        h.Fake.Seed("probe", "ok");
        h.Fake.RegisterManagedIdentity();
        h.Fake.RegisterManagedIdentity("5b0e2c1e-user-assigned");
        var saved = (Environment.GetEnvironmentVariable("IDENTITY_ENDPOINT"), Environment.GetEnvironmentVariable("IDENTITY_HEADER"));
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", h.Fake.ManagedIdentityEndpoint.ToString());
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", h.Fake.IdentityHeader);
        try
        {
            using var system = h.Backend(h.Config("managed_identity"));
            var userConfig = h.Config("managed_identity");
            userConfig["client_id"] = "5b0e2c1e-user-assigned";
            using var user = h.Backend(userConfig);

            (await system.ReadAsync("probe", Ct))!.Text().ShouldBe("ok");
            (await user.ReadAsync("probe", Ct))!.Text().ShouldBe("ok");

            h.Fake.ManagedIdentityRequests.ShouldBe(["", "5b0e2c1e-user-assigned"]);
            h.Fake.Unmatched.ShouldBeEmpty();
        }
        finally
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", saved.Item1);
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", saved.Item2);
        }
    }
}
