using Alba;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Secrets;

public sealed class WriteAndReadSecretTests(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task Put_ThenGet_ReturnsDataAndType()
    {
        await Host.Scenario(s =>
        {
            s.AsRoot().Put.Url("/v1/secrets/infra/hashicorp/approle");
            s.RawJson("""{"data": {"role_id": "r-1", "secret_id": "s-1"}, "secret_type": "json"}""");
            s.StatusCodeShouldBeOk();
        });

        var read = await Host.Scenario(s => s.AsRoot().Get.Url("/v1/secrets/infra/hashicorp/approle"));
        var body = await read.Json();
        Assert.Equal("json", body["secret_type"]!.GetValue<string>());
        Assert.Equal("r-1", body["data"]!["role_id"]!.GetValue<string>());
        Assert.Equal(1, body["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Get_WithoutToken_Is401WithEnvelope()
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/v1/secrets/any/path");
            s.StatusCodeShouldBe(401);
        });
        Assert.Equal("unauthenticated", await result.ErrorCode());
        Assert.False(string.IsNullOrEmpty(result.Context.Response.Headers["X-Request-ID"]));
    }
}
