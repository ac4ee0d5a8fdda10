using ScaiVault.Http.Auth;
using ScaiVault.Http.Tests.Infrastructure;
using StackExchange.Redis;

namespace ScaiVault.Http.Tests.Identity;

/// <summary>The per-node authorization cache: used, cleared by commits here and by messages from other nodes.</summary>
public sealed class AuthorizationCacheTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private AuthorizationCache Cache => Host.Services.GetRequiredService<AuthorizationCache>();

    [Fact]
    public async Task Check_FillsTheCache_AndAPolicyChangeHereClearsIt()
    {
        Assert.True(Cache.Enabled);
        var token = Fixture.Tokens.Mint(sub: "alice", tenant: "acme");
        await Host.Scenario(s => { s.Get.Url("/v1/secrets/apps/db"); s.WithToken(token); s.StatusCodeShouldBe(403); });
        Assert.True(Cache.Count("acme") > 0);

        await Host.GrantPolicy("acme", "readers", "identity:alice", ("apps/**", ["read"], "allow"));

        await Host.Scenario(s => { s.Get.Url("/v1/secrets/apps/db"); s.WithToken(token); s.StatusCodeShouldBe(404); });
    }

    [Fact]
    public async Task MessageFromAnotherNode_ClearsTheTenant()
    {
        var token = Fixture.Tokens.Mint(sub: "alice", tenant: "acme");
        await Host.Scenario(s => { s.Get.Url("/v1/secrets/apps/db"); s.WithToken(token); s.StatusCodeShouldBe(403); });
        Assert.True(Cache.Count("acme") > 0);

        await using var otherNode = await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("SCAIVAULT_REDIS")!);
        await otherNode.GetSubscriber().PublishAsync(RedisChannel.Literal(AuthorizationCache.Channel), "acme");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (Cache.Count("acme") > 0) await Task.Delay(10, timeout.Token);
        Assert.Equal(0, Cache.Count("acme"));
    }
}
