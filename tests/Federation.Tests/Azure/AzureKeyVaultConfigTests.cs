using System.Text.Json;
using ScaiVault.Federation.Azure;

namespace ScaiVault.Federation.Tests.Azure;

public sealed class AzureKeyVaultConfigTests
{
    private static IReadOnlyList<ConfigError> Validate(string json) =>
        new AzureKeyVaultBackendFactory().Validate(JsonDocument.Parse(json).RootElement);

    [Theory]
    [InlineData("""{"vault_url":"https://contoso-kv.vault.azure.net/","auth_method":"managed_identity"}""")]
    [InlineData("""{"vault_url":"https://contoso-kv.vault.azure.net","auth_method":"managed_identity","client_id":"11111111-2222-3333-4444-555555555555"}""")]
    [InlineData("""{"vault_url":"https://contoso-kv.vault.azure.net/","auth_method":"client_secret","credentials_path":"infra/azure/sp"}""")]
    [InlineData("""{"vault_url":"https://contoso-kv.vault.azure.net/","tenant_id":"contoso.onmicrosoft.com","client_id":"11111111-2222-3333-4444-555555555555","auth_method":"client_secret","credentials_path":"infra/azure/sp"}""")]
    [InlineData("""{"vault_url":"https://contoso-kv.vault.azure.net/","tenant_id":"72f988bf-86f1-41af-91ab-2d7cd011db47","auth_method":"managed_identity"}""")]
    [InlineData("""{"endpoint":"https://kv.privatelink.example:8443/","auth_method":"certificate","credentials_path":"infra/azure/cert","authority_host":"https://login.chinacloudapi.cn/","timeout_ms":2000,"max_retries":2,"retry_delay_ms":100}""")]
    public void Valid_configs_have_no_errors(string json) => Validate(json).ShouldBeEmpty();

    [Theory]
    [InlineData("""{"auth_method":"managed_identity"}""", "config.vault_url", "Required")]
    [InlineData("""{"vault_url":"http://contoso-kv.vault.azure.net/","auth_method":"managed_identity"}""", "config.vault_url", "https://")]
    [InlineData("""{"vault_url":"https://kv.vault.azure.net/secrets","auth_method":"managed_identity"}""", "config.vault_url", "without path")]
    [InlineData("""{"vault_url":"https://kv.vault.azure.net/"}""", "config.auth_method", "Required")]
    [InlineData("""{"vault_url":"https://kv.vault.azure.net/","auth_method":"approle"}""", "config.auth_method", "Unknown auth method")]
    [InlineData("""{"vault_url":"https://kv.vault.azure.net/","auth_method":"client_secret"}""", "config.credentials_path", "Required")]
    [InlineData("""{"vault_url":"https://kv.vault.azure.net/","auth_method":"client_secret","credentials_path":"/bad//path"}""", "config.credentials_path", "empty segment")]
    [InlineData("""{"vault_url":"https://kv.vault.azure.net/","auth_method":"client_secret","credentials_path":"a","tenant_id":"contoso/x"}""", "config.tenant_id", "GUID")]
    [InlineData("""{"vault_url":"https://kv.vault.azure.net/","auth_method":"managed_identity","ca_cert":"nope"}""", "config.ca_cert", "PEM")]
    [InlineData("""{"vault_url":"https://kv.vault.azure.net/","auth_method":"managed_identity","timeout_ms":5}""", "config.timeout_ms", "100")]
    [InlineData("""{"vault_url":"https://kv.vault.azure.net/","auth_method":"managed_identity","max_retries":"3"}""", "config.max_retries", "whole number")]
    [InlineData("""{"vault_url":"https://kv.vault.azure.net/","auth_method":"managed_identity","vaultUrl":"x"}""", "config.vaultUrl", "Unknown field")]
    public void Each_problem_names_its_field(string json, string field, string messagePart)
    {
        var errors = Validate(json);

        var error = errors.ShouldHaveSingleItem();
        error.Field.ShouldBe(field);
        error.Message.ShouldContain(messagePart);
    }

    [Fact]
    public void A_config_that_is_not_an_object_is_one_error() =>
        Validate("[]").ShouldHaveSingleItem().Field.ShouldBe("config");
}
