using Microsoft.AspNetCore.Builder;
using ScaiVault.Fakes;

namespace ScaiVault.Federation.Tests;

public sealed class FakeServerHostTests
{
    [Fact]
    public async Task A_fake_listens_on_a_free_loopback_port_and_answers_its_routes()
    {
        await using var host = await FakeServerHost.StartAsync(app => app.MapGet("/ping", () => "pong"));
        host.BaseAddress.Host.ShouldBe("127.0.0.1");
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        (await client.GetStringAsync("ping", TestContext.Current.CancellationToken)).ShouldBe("pong");
    }
}
