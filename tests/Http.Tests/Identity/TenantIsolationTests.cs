using Alba;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Identity;

/// <summary>Tenant A's token against tenant B's data: not found or denied, never data, never a change.</summary>
public sealed class TenantIsolationTests(AppFixture fixture) : IntegrationContext(fixture)
{
    // Every caller here may do everything in its own tenant: what is tested is the tenant boundary.
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var tenant in new[] { "tenant-a", "tenant-b", "msp" })
        {
            await Host.AllowEverything(tenant, "identity:alice");
            await Host.AllowEverything(tenant, "identity:mallory");
            await Host.AllowEverything(tenant, "identity:partner");
        }
    }

    private const string Path = "apps/billing/db";
    private const string SecretOfB = "pw-only-tenant-b-knows";

    public static TheoryData<string, string, string?> Endpoints => new()
    {
        { "GET", "/v1/secrets/" + Path, null },
        { "GET", "/v1/secrets/" + Path + "?version=1", null },
        { "GET", "/v1/metadata/" + Path, null },
        { "PATCH", "/v1/metadata/" + Path, """{"metadata": {"owner": "intruder"}}""" },
        { "POST", "/v1/delete/" + Path, null },
        { "POST", "/v1/undelete/" + Path, null },
        { "POST", "/v1/destroy/" + Path, null },
        { "DELETE", "/v1/secrets/" + Path, null },
        { "PUT", "/v1/secrets/" + Path, """{"data": {"password": "overwritten"}, "options": {"cas": 1}}""" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task TenantA_OnTenantBData_IsNotFoundAndChangesNothing(string method, string url, string? body)
    {
        await WriteAs("tenant-b", SecretOfB);
        var tokenOfA = Fixture.Tokens.Mint(sub: "mallory", tenant: "tenant-a");

        var result = await Host.Scenario(s =>
        {
            s.Method(method).Url(url);
            s.WithToken(tokenOfA);
            if (body is not null) s.RawJson(body);
            s.IgnoreStatusCode();
        });

        Assert.Contains(result.Context.Response.StatusCode, new[] { 403, 404, 409 });
        Assert.DoesNotContain(SecretOfB, await result.ReadAsTextAsync());
        var stillThere = await Host.Scenario(s => { s.Get.Url("/v1/secrets/" + Path); s.WithToken(Fixture.Tokens.Mint(tenant: "tenant-b")); });
        var after = await stillThere.Json();
        Assert.Equal(SecretOfB, after["data"]!["password"]!.GetValue<string>());
        Assert.Equal(1, after["current_version"]!.GetValue<int>());
        Assert.Null(after["metadata"]!["owner"]);
    }

    [Fact]
    public async Task SamePath_InTwoTenants_AreTwoSecrets()
    {
        await WriteAs("tenant-a", "pw-a");
        await WriteAs("tenant-b", "pw-b");

        Assert.Equal("pw-a", await ReadAs("tenant-a"));
        Assert.Equal("pw-b", await ReadAs("tenant-b"));
    }

    [Fact]
    public async Task List_ShowsOnlyTheCallersTenant()
    {
        await WriteAs("tenant-b", SecretOfB);
        var list = await Host.Scenario(s => { s.Get.Url("/v1/secrets"); s.WithToken(Fixture.Tokens.Mint(tenant: "tenant-a")); });

        Assert.Empty((await list.Json())["secrets"]!.AsArray());
    }

    [Fact]
    public async Task TenantPrefix_WithoutPartnerAdmin_IsDenied()
    {
        await WriteAs("tenant-b", SecretOfB);
        var result = await Host.Scenario(s =>
        {
            s.Get.Url("/t/tenant-b/v1/secrets/" + Path);
            s.WithToken(Fixture.Tokens.Mint(tenant: "tenant-a"));
            s.StatusCodeShouldBe(403);
        });

        Assert.Equal("access_denied", await result.ErrorCode());
        Assert.DoesNotContain(SecretOfB, await result.ReadAsTextAsync());
    }

    [Fact]
    public async Task TenantPrefix_WithPartnerAdmin_ActsInThatTenant()
    {
        await WriteAs("tenant-b", SecretOfB);
        var partner = Fixture.Tokens.Mint(sub: "partner", tenant: "msp", roles: ["partner-admin"]);

        var read = await Host.Scenario(s => { s.Get.Url("/t/tenant-b/v1/secrets/" + Path); s.WithToken(partner); });
        var own = await Host.Scenario(s => { s.Get.Url("/v1/secrets/" + Path); s.WithToken(partner); s.StatusCodeShouldBe(404); });

        Assert.Equal(SecretOfB, (await read.Json())["data"]!["password"]!.GetValue<string>());
        Assert.Equal("secret_not_found", await own.ErrorCode());
    }

    [Fact]
    public async Task RootToken_SeesOtherTenantsOnlyThroughThePrefix()
    {
        await WriteAs("tenant-b", SecretOfB);

        await Host.Scenario(s => { s.AsRoot().Get.Url("/v1/secrets/" + Path); s.StatusCodeShouldBe(404); });
        var read = await Host.Scenario(s => s.AsRoot().Get.Url("/t/tenant-b/v1/secrets/" + Path));

        Assert.Equal(SecretOfB, (await read.Json())["data"]!["password"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/t/Tenant-B/v1/secrets/x")]
    [InlineData("/t//v1/secrets/x")]
    [InlineData("/t/tenant-b")]
    public async Task TenantPrefix_Malformed_Is400(string url)
    {
        var result = await Host.Scenario(s => { s.AsRoot().Get.Url(url); s.StatusCodeShouldBe(400); });
        Assert.Equal("invalid_tenant", await result.ErrorCode());
    }

    private async Task WriteAs(string tenant, string password) =>
        await Host.Scenario(s =>
        {
            s.Put.Url("/v1/secrets/" + Path);
            s.WithToken(Fixture.Tokens.Mint(tenant: tenant));
            s.RawJson($$$"""{"data": {"password": "{{{password}}}"}}""");
            s.StatusCodeShouldBeOk();
        });

    private async Task<string> ReadAs(string tenant)
    {
        var result = await Host.Scenario(s => { s.Get.Url("/v1/secrets/" + Path); s.WithToken(Fixture.Tokens.Mint(tenant: tenant)); });
        return (await result.Json())["data"]!["password"]!.GetValue<string>();
    }
}
