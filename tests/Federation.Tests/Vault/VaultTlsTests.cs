using ScaiVault.Fakes;

namespace ScaiVault.Federation.Tests.Vault;

/// <summary>The fake serves HTTPS with a certificate from a throw-away CA the machine does not trust.</summary>
public sealed class VaultTlsTests : IAsyncLifetime
{
    private static readonly TestCertificates Certificates = TestCertificates.Create();
    private VaultTestKit _kit = null!;
    private static CancellationToken Ct => VaultTestKit.Ct;

    public async ValueTask InitializeAsync()
    {
        _kit = await VaultTestKit.StartAsync(Certificates);
        _kit.Vault.Root.KvV2("kv").Put("apps/db", new { password = "p" });
        _kit.Credentials.Json("infra/vault/token", new { token = _kit.Vault.Root.RootToken });
    }

    public async ValueTask DisposeAsync() => await _kit.DisposeAsync();

    private IFederationBackend Backend(bool tlsVerify, string? caPem) =>
        _kit.Backend(new { endpoint = _kit.Vault.Endpoint, auth_config_path = "infra/vault/token", tls_verify = tlsVerify, ca_cert = caPem });

    [Fact]
    public async Task UntrustedCertificate_IsRefusedAsUnavailable()
    {
        _kit.Vault.Endpoint.ShouldStartWith("https://");

        var e = await Should.ThrowAsync<FederationBackendException>(() => Backend(true, null).ReadAsync("kv/data/apps/db", Ct));

        e.Failure.ShouldBe(BackendFailure.Unavailable);
        e.Message.ShouldContain("config.ca_cert");
        _kit.Vault.TotalCalls.ShouldBe(0);
    }

    [Fact]
    public async Task CustomCa_ThatSignedTheCertificate_IsTrusted()
    {
        (await Backend(true, Certificates.CaPem).ReadAsync("kv/data/apps/db", Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task CustomCa_ThatDidNotSignTheCertificate_IsRefused()
    {
        var otherCa = TestCertificates.Create("Some Other CA").CaPem;

        var e = await Should.ThrowAsync<FederationBackendException>(() => Backend(true, otherCa).ReadAsync("kv/data/apps/db", Ct));

        e.Failure.ShouldBe(BackendFailure.Unavailable);
    }

    [Fact]
    public async Task TlsVerifyFalse_AcceptsAnyCertificate()
    {
        (await Backend(false, null).ReadAsync("kv/data/apps/db", Ct)).ShouldNotBeNull();
    }
}
