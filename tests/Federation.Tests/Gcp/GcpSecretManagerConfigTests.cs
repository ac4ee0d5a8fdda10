using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ScaiVault.Fakes.Gcp;
using ScaiVault.Federation.Gcp;

namespace ScaiVault.Federation.Tests.Gcp;

public sealed class GcpSecretManagerConfigTests
{
    private static readonly GcpSecretManagerFactory Factory =
        new(new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>());

    private static IReadOnlyList<ConfigError> Validate(string json) => Factory.Validate(JsonDocument.Parse(json).RootElement);

    [Theory]
    [InlineData("""{"project_id":"my-project","credentials_path":"infra/gcp/sa-key"}""")]
    [InlineData("""{"project_id":"my-project","auth_method":"service_account","credentials_path":"infra/gcp/sa-key","endpoint":"https://secretmanager.googleapis.com","timeout_seconds":10,"max_retries":0,"retry_base_delay_ms":50,"page_size":25000}""")]
    [InlineData("""{"project_id":"my-project","auth_method":"workload_identity"}""")]
    [InlineData("""{"project_id":"123456789012","auth_method":"workload_identity","metadata_host":"127.0.0.1:8080"}""")]
    [InlineData("""{"project_id":"my-project","credentials_path":"infra/gcp/sa-key","endpoint":"http://127.0.0.1:9000/"}""")]
    public void Validate_GoodConfig_HasNoErrors(string json) => Validate(json).ShouldBeEmpty();

    [Theory]
    [InlineData("""[]""", "config")]
    [InlineData("""{"credentials_path":"infra/gcp/sa-key"}""", "config.project_id")]
    [InlineData("""{"project_id":"My_Project","credentials_path":"infra/gcp/sa-key"}""", "config.project_id")]
    [InlineData("""{"project_id":"my-project"}""", "config.credentials_path")]
    [InlineData("""{"project_id":"my-project","auth_method":"service_account"}""", "config.credentials_path")]
    [InlineData("""{"project_id":"my-project","auth_method":"workload_identity","credentials_path":"infra/gcp/sa-key"}""", "config.credentials_path")]
    [InlineData("""{"project_id":"my-project","auth_method":"kerberos","credentials_path":"infra/gcp/sa-key"}""", "config.auth_method")]
    [InlineData("""{"project_id":"my-project","credentials_path":"/infra//key"}""", "config.credentials_path")]
    [InlineData("""{"project_id":"my-project","credentials_path":"infra/gcp/sa-key","endpoint":"http://secretmanager.example.com/"}""", "config.endpoint")]
    [InlineData("""{"project_id":"my-project","credentials_path":"infra/gcp/sa-key","endpoint":"not a url"}""", "config.endpoint")]
    [InlineData("""{"project_id":"my-project","credentials_path":"infra/gcp/sa-key","metadata_host":"127.0.0.1:80"}""", "config.metadata_host")]
    [InlineData("""{"project_id":"my-project","auth_method":"workload_identity","metadata_host":"http://127.0.0.1/x"}""", "config.metadata_host")]
    [InlineData("""{"project_id":"my-project","credentials_path":"infra/gcp/sa-key","timeout_seconds":0}""", "config.timeout_seconds")]
    [InlineData("""{"project_id":"my-project","credentials_path":"infra/gcp/sa-key","page_size":25001}""", "config.page_size")]
    [InlineData("""{"project_id":"my-project","credentials_path":"infra/gcp/sa-key","max_retries":"3"}""", "config.max_retries")]
    [InlineData("""{"project_id":"my-project","credentials_path":"infra/gcp/sa-key","projectId":"x"}""", "config.projectId")]
    public void Validate_BadConfig_NamesTheField(string json, string field)
    {
        var errors = Validate(json);

        errors.Select(e => e.Field).ShouldContain(field);
        errors.ShouldAllBe(e => e.Message.Length > 10);
    }

    [Fact]
    public void Factory_TypeIsGoogleSecretManager_AndCreateRefusesAnInvalidConfig()
    {
        Factory.Type.ShouldBe("google-secret-manager");
        var e = Should.Throw<ArgumentException>(() => Factory.Create(
            new BackendConnection("b1", "t1", JsonDocument.Parse("{}").RootElement, new InMemoryCredentials())));
        e.Message.ShouldContain("config.project_id");
    }

    [Fact]
    public void Crc32C_MatchesTheCheckValueAndTheFakesTableDrivenImplementation()
    {
        Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")).ShouldBe(0xE3069283u);
        Crc32C.Compute([]).ShouldBe(0u);
        var random = new Random(42);
        foreach (var length in new[] { 1, 7, 8, 9, 63, 64, 1000, 65536 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            Crc32C.Compute(data).ShouldBe(FakeCrc32C.Compute(data), $"length {length}");
        }
    }

    [Theory]
    [InlineData("db", "db")]
    [InlineData("apps/billing/db", "apps__billing__db")]
    [InlineData("a/_b", "a___b")]
    [InlineData("_a/b_", "_a__b_")]
    [InlineData("-x/y-", "-x__y-")]
    public void SecretIds_RoundTrip(string name, string id)
    {
        GcpSecretIds.TryEncode(name, out var encoded, out _).ShouldBeTrue();
        encoded.ShouldBe(id);
        GcpSecretIds.Decode(id).ShouldBe(name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/a")]
    [InlineData("a/")]
    [InlineData("a_/b")]
    [InlineData("a__b")]
    [InlineData("a.b")]
    [InlineData("ключ")]
    [InlineData("a b")]
    public void SecretIds_UnrepresentableNames_HaveAReason(string name)
    {
        GcpSecretIds.TryEncode(name, out var id, out var reason).ShouldBeFalse();
        id.ShouldBeNull();
        reason.ShouldNotBeNullOrWhiteSpace();
    }
}
