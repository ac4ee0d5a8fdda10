using System.Text.Json;
using ScaiVault.Fakes;
using ScaiVault.Federation.Vault;

namespace ScaiVault.Federation.Tests.Vault;

public sealed class VaultConfigTests
{
    private static IReadOnlyList<ConfigError> Validate(object config) =>
        new VaultBackendFactory().Validate(JsonSerializer.SerializeToElement(config));

    [Fact]
    public void GuideExample_IsValid()
    {
        Validate(new { endpoint = "https://vault.internal:8200", auth_method = "approle", auth_config_path = "infra/hashicorp/approle", tls_verify = true })
            .ShouldBeEmpty();
        new VaultBackendFactory().Type.ShouldBe("hashicorp-vault");
    }

    [Fact]
    public void Endpoint_MissingOrNotHttp_NamesTheField()
    {
        Validate(new { auth_config_path = "x" }).Single().Field.ShouldBe("config.endpoint");
        Validate(new { endpoint = "ftp://vault", auth_config_path = "x" }).Single().Field.ShouldBe("config.endpoint");
        Validate(new { endpoint = "vault.internal:8200", auth_config_path = "x" }).Single().Field.ShouldBe("config.endpoint");
    }

    [Theory]
    [InlineData("token")]
    [InlineData("approle")]
    public void AuthConfigPath_IsRequiredForStoredCredentials(string method)
    {
        var error = Validate(new { endpoint = "https://v:8200", auth_method = method }).Single();
        error.Field.ShouldBe("config.auth_config_path");
    }

    [Fact]
    public void Kubernetes_NeedsARoleInConfigOrACredentialSecret()
    {
        Validate(new { endpoint = "https://v:8200", auth_method = "kubernetes", role = "scaivault" }).ShouldBeEmpty();
        Validate(new { endpoint = "https://v:8200", auth_method = "kubernetes", auth_config_path = "infra/k8s" }).ShouldBeEmpty();
        Validate(new { endpoint = "https://v:8200", auth_method = "kubernetes" }).Single().Field.ShouldBe("config.auth_config_path");
    }

    [Fact]
    public void WrongTypesUnknownFieldsAndBadValues_AreEachNamed()
    {
        var errors = Validate(new
        {
            endpoint = "https://v:8200", auth_method = "ldap", auth_config_path = "x", tls_verify = "yes",
            ca_cert = "not a pem", timeout = "forever", tls_verfy = false,
        });

        errors.Select(e => e.Field).Order().ShouldBe(["config.auth_method", "config.ca_cert", "config.timeout", "config.tls_verfy", "config.tls_verify"]);
        Validate(new { endpoint = "https://v:8200", auth_method = "aws", auth_config_path = "x" }).Single().Message.ShouldContain("not supported");
        new VaultBackendFactory().Validate(JsonSerializer.SerializeToElement("a string")).Single().Field.ShouldBe("config");
    }

    [Fact]
    public void CaCertAndTimeout_AcceptGoodValues()
    {
        Validate(new { endpoint = "https://v:8200/v1/", auth_config_path = "x", ca_cert = TestCertificates.Create().CaPem, timeout = "2500ms", @namespace = "acme/finance/" })
            .ShouldBeEmpty();
        Validate(new { endpoint = "https://v:8200", auth_config_path = "x", timeout = 30 }).ShouldBeEmpty();
        Validate(new { endpoint = "https://v:8200", auth_config_path = "x", timeout = "10m" }).Single().Field.ShouldBe("config.timeout");
    }

    [Fact]
    public void Create_WithInvalidConfig_Throws()
    {
        var connection = new BackendConnection("b", "t", JsonSerializer.SerializeToElement(new { }), new TestCredentials());
        Should.Throw<ArgumentException>(() => new VaultBackendFactory().Create(connection)).Message.ShouldContain("config.endpoint");
    }
}
