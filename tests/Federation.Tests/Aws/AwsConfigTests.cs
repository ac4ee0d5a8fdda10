using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ScaiVault.Federation.Aws;

namespace ScaiVault.Federation.Tests.Aws;

public sealed class AwsConfigTests
{
    private static readonly AwsSecretsManagerBackendFactory Factory = new(new LoopbackHttpClients());

    private static IReadOnlyList<ConfigError> Validate(string json) => Factory.Validate(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void Factory_Type_IsAwsSecretsManager() => Factory.Type.ShouldBe("aws-secrets-manager");

    [Theory]
    [InlineData("""{"region":"us-east-1","credentials_path":"infra/aws/sm-reader"}""")]
    [InlineData("""{"region":"eu-central-2"}""")]
    [InlineData("""{"region":"us-gov-west-1","role_arn":"arn:aws-us-gov:iam::123456789012:role/path/reader","external_id":"ext-42","role_session_name":"scaivault-prod"}""")]
    [InlineData("""{"region":"us-east-1","credentials_path":"infra/aws/k","role_arn":"arn:aws:iam::123456789012:role/r","endpoint":"https://vpce-0a1b.secretsmanager.us-east-1.vpce.amazonaws.com","sts_endpoint":"https://sts.us-east-1.amazonaws.com/","max_calls_per_second":50,"timeout":"2500ms"}""")]
    [InlineData("""{"region":"us-east-1","endpoint":"http://127.0.0.1:4566/","timeout":3}""")]
    public void Validate_GoodConfig_HasNoErrors(string json) => Validate(json).ShouldBeEmpty();

    [Theory]
    [InlineData("""{}""", "config.region")]
    [InlineData("""{"region":"US East"}""", "config.region")]
    [InlineData("""{"region":5}""", "config.region")]
    [InlineData("""{"region":"us-east-1","credentials_path":"/infra//aws"}""", "config.credentials_path")]
    [InlineData("""{"region":"us-east-1","role_arn":"arn:aws:iam::123:user/bob"}""", "config.role_arn")]
    [InlineData("""{"region":"us-east-1","external_id":"x-without-role"}""", "config.external_id")]
    [InlineData("""{"region":"us-east-1","endpoint":"http://secretsmanager.example.com/"}""", "config.endpoint")]
    [InlineData("""{"region":"us-east-1","endpoint":"not a url"}""", "config.endpoint")]
    [InlineData("""{"region":"us-east-1","sts_endpoint":"ftp://sts.example.com/"}""", "config.sts_endpoint")]
    [InlineData("""{"region":"us-east-1","max_calls_per_second":0}""", "config.max_calls_per_second")]
    [InlineData("""{"region":"us-east-1","timeout":"forever"}""", "config.timeout")]
    [InlineData("""{"region":"us-east-1","timeout":"10m"}""", "config.timeout")]
    [InlineData("""{"region":"us-east-1","acess_key":"typo"}""", "config.acess_key")]
    [InlineData("""[]""", "config")]
    public void Validate_BadConfig_NamesTheField(string json, string field)
    {
        var errors = Validate(json);

        errors.ShouldNotBeEmpty();
        errors.Select(e => e.Field).ShouldContain(field);
        errors.ShouldAllBe(e => e.Message.Length > 10);
    }

    [Fact]
    public void Config_Defaults_PointAtTheRegionalEndpoints()
    {
        var config = AwsSecretsManagerConfig.From(JsonDocument.Parse("""{"region":"cn-north-1"}""").RootElement);

        config.Endpoint.ShouldBe(new Uri("https://secretsmanager.cn-north-1.amazonaws.com.cn/"));
        config.StsEndpoint.ShouldBe(new Uri("https://sts.cn-north-1.amazonaws.com.cn/"));
        config.MaxCallsPerSecond.ShouldBe(20);
        config.Timeout.ShouldBe(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Registration_ResolvesTheFactoryFromDependencyInjection()
    {
        using var provider = new ServiceCollection()
            .AddAwsSecretsManagerBackend()
            .BuildServiceProvider();

        var factories = provider.GetServices<IFederationBackendFactory>();

        factories.Single().Type.ShouldBe("aws-secrets-manager");
    }
}
