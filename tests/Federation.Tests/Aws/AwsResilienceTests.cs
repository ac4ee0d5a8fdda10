using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using ScaiVault.Federation.Aws;
using static ScaiVault.Federation.Tests.Aws.AsmTestBed;

namespace ScaiVault.Federation.Tests.Aws;

public sealed class AwsResilienceTests
{
    [Fact]
    public async Task Throttling_TwiceThenRecovering_IsRetried_AndEveryAttemptIsCounted()
    {
        await using var bed = await StartAsync();
        bed.Fake.Seed("prod/a", "1");
        await ListAll(bed.Backend, "prod/");   // tags cached: the read below is GetSecretValue only
        var before = bed.Backend.OutboundCalls;
        bed.Fake.ThrottleNext(2);

        var read = await bed.Backend.ReadAsync("prod/a", Ct);

        read.ShouldNotBeNull();
        bed.Fake.Calls("GetSecretValue").ShouldBe(3);
        (bed.Backend.OutboundCalls - before).ShouldBe(3);
    }

    [Fact]
    public async Task Throttling_ThatDoesNotStop_IsThrottled_AfterTheBoundedAttempts()
    {
        await using var bed = await StartAsync();
        bed.Fake.ThrottleNext(1000);

        var e = await Should.ThrowAsync<FederationBackendException>(() => bed.Backend.CheckAsync(Ct));

        e.Failure.ShouldBe(BackendFailure.Throttled);
        e.Message.ShouldContain("ThrottlingException");
        bed.Fake.Calls("ListSecrets").ShouldBe(FastRetries.MaxAttempts);
    }

    [Fact]
    public async Task Outage_503_IsUnavailable_AndTheBackendRecoversWhenItEnds()
    {
        await using var bed = await StartAsync();
        bed.Fake.Seed("prod/a", "1");
        bed.Fake.Outage = true;

        var e = await Should.ThrowAsync<FederationBackendException>(() => bed.Backend.ReadAsync("prod/a", Ct));
        bed.Fake.Outage = false;
        var read = await bed.Backend.ReadAsync("prod/a", Ct);

        e.Failure.ShouldBe(BackendFailure.Unavailable);
        e.Message.ShouldContain("ServiceUnavailable");
        read.ShouldNotBeNull();
    }

    [Fact]
    public async Task ConnectionRefused_IsUnavailable_NamingTheEndpoint()
    {
        await using var bed = await StartAsync();
        var closedPort = ClosedLoopbackPort();
        using var backend = bed.Create(c => c["endpoint"] = $"http://127.0.0.1:{closedPort}/");

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("prod/a", Ct));

        e.Failure.ShouldBe(BackendFailure.Unavailable);
        e.Message.ShouldContain($"127.0.0.1:{closedPort}");
        backend.OutboundCalls.ShouldBe(FastRetries.MaxAttempts);
        e.ToString().ShouldNotContain(Fakes.Aws.FakeSecretsManager.SecretAccessKey);
    }

    [Fact]
    public async Task SlowBackend_BeyondTheConfiguredTimeout_IsTimeout()
    {
        await using var bed = await StartAsync();
        bed.Fake.Latency = TimeSpan.FromSeconds(30);
        using var backend = bed.Create(c => c["timeout"] = "200ms");

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.CheckAsync(Ct));

        e.Failure.ShouldBe(BackendFailure.Timeout);
        e.Message.ShouldContain("0.2s");
    }

    [Fact]
    public async Task RateCap_HoldsCallsBeyondTheBudget_UntilTheClockMoves()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        await using var bed = await StartAsync(c => c["max_calls_per_second"] = 5, time);

        var checks = Enumerable.Range(0, 12).Select(_ => bed.Backend.CheckAsync(Ct)).ToList();

        await Until(() => bed.Fake.Calls("ListSecrets") == 5 && bed.Backend.QueuedCalls == 7);
        checks.Count(c => c.IsCompleted).ShouldBeLessThanOrEqualTo(5);
        time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => bed.Fake.Calls("ListSecrets") == 10 && bed.Backend.QueuedCalls == 2, () => $"{bed.Fake.Calls("ListSecrets")} {bed.Backend.QueuedCalls}");
        time.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(checks);

        bed.Fake.Calls("ListSecrets").ShouldBe(12);
        bed.Backend.QueuedCalls.ShouldBe(0);
    }

    private static async Task Until(Func<bool> condition, Func<string>? state = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (timeout.IsCancellationRequested) throw new TimeoutException("Condition not met within 10 s. " + state?.Invoke());
            await Task.Delay(5, Ct);
        }
    }

    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
