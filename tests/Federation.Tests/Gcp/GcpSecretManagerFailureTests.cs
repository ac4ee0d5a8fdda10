using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ScaiVault.Federation.Tests.Gcp;

public sealed class GcpSecretManagerFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Throttled_TwiceThenRecovers_TheReadSucceedsAndEveryAttemptIsCounted()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("db", "v");
        var backend = bed.Backend();
        bed.Fake.ThrottleNext(2);

        var secret = await backend.ReadAsync("db", Ct);

        secret.ShouldNotBeNull();
        bed.Fake.ThrottledCalls.ShouldBe(2);
        backend.OutboundCalls.ShouldBe(2 + 2 + 1);   // two 429s, access, get secret, token
    }

    [Fact]
    public async Task Throttled_BeyondTheRetries_IsThrottled()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("db", "v");
        var backend = bed.Backend(("max_retries", 2));
        bed.Fake.ThrottleNext(100);

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("db", Ct));

        e.Failure.ShouldBe(BackendFailure.Throttled);
        e.Message.ShouldContain("RESOURCE_EXHAUSTED");
        bed.Fake.ThrottledCalls.ShouldBe(3);          // first try and two retries
        backend.OutboundCalls.ShouldBe(3 + 1);
    }

    [Fact]
    public async Task Outage_IsUnavailableAfterRetries_AndTheNextCallAfterItWorks()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("db", "v");
        var backend = bed.Backend(("max_retries", 3));
        bed.Fake.Outage = true;

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("db", Ct));
        e.Failure.ShouldBe(BackendFailure.Unavailable);
        e.Message.ShouldContain("UNAVAILABLE");
        bed.Fake.ApiCalls.ShouldBe(4);

        bed.Fake.Outage = false;
        (await backend.ReadAsync("db", Ct)).ShouldNotBeNull();
    }

    [Theory]
    [InlineData("service_account")]
    [InlineData("workload_identity")]
    public async Task TokenEndpointDown_IsUnavailableAfterRetries_AndRecovers(string authMethod)
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("db", "v");
        var backend = authMethod == "service_account"
            ? bed.Backend(("max_retries", 2))
            : bed.Backend(("max_retries", 2), ("credentials_path", null), ("auth_method", authMethod), ("metadata_host", bed.Fake.MetadataHost));
        bed.Fake.TokenEndpointOutage = true;

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("db", Ct));

        e.Failure.ShouldBe(BackendFailure.Unavailable);
        e.Message.ShouldContain("token endpoint");
        (bed.Fake.TokenRequests + bed.Fake.MetadataTokenRequests).ShouldBe(3);
        backend.OutboundCalls.ShouldBe(3);
        bed.Fake.ApiCalls.ShouldBe(0);

        bed.Fake.TokenEndpointOutage = false;
        (await backend.ReadAsync("db", Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task NothingListening_IsUnavailable()
    {
        await using var bed = await GcpTestBed.StartAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var backend = bed.Backend(("endpoint", $"http://127.0.0.1:{closedPort}/"), ("max_retries", 1));

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("db", Ct));

        e.Failure.ShouldBe(BackendFailure.Unavailable);
        backend.OutboundCalls.ShouldBe(1 + 2);        // token, then two refused connections
    }

    [Fact]
    public async Task SlowerThanTheTimeout_IsTimeout()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("db", "v");
        var backend = bed.Backend(("timeout_seconds", 1));
        bed.Fake.Latency = TimeSpan.FromSeconds(30);

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("db", Ct));

        e.Failure.ShouldBe(BackendFailure.Timeout);
    }

    [Fact]
    public async Task UnknownRoute_HtmlNotFound_IsNotMistakenForAMissingSecret()
    {
        await using var bed = await GcpTestBed.StartAsync();
        // An endpoint with an extra path: GSM paths then match no route and Google answers its HTML 404.
        var backend = bed.Backend(("endpoint", new Uri(bed.Fake.BaseAddress, "wrong/").AbsoluteUri));

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.CheckAsync(Ct));

        e.Failure.ShouldBe(BackendFailure.BadResponse);
        e.Message.ShouldContain("HTTP 404");
    }

    [Fact]
    public async Task Failures_NeverCarryTokensKeysOrValues()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("db", "the-secret-value");
        var backend = bed.Backend(("max_retries", 1));
        await backend.ReadAsync("db", Ct);
        var messages = new List<string>();

        bed.Fake.CorruptChecksums = true;
        messages.Add((await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("db", Ct))).ToString());
        bed.Fake.CorruptChecksums = false;
        bed.Fake.Outage = true;
        messages.Add((await Should.ThrowAsync<FederationBackendException>(() => backend.WriteAsync("db", GcpTestBed.Text("new-secret-value"), Ct))).ToString());
        bed.Fake.Outage = false;
        bed.Fake.DenyPermission = true;
        messages.Add((await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("db", Ct))).ToString());

        var privateKey = System.Text.Json.JsonDocument.Parse(bed.Key.Json).RootElement.GetProperty("private_key").GetString()!;
        var keyBody = privateKey.Split('\n')[1];
        foreach (var message in messages)
        {
            message.ShouldNotContain("secret-value");
            message.ShouldNotContain(keyBody);
            foreach (var token in bed.Fake.IssuedTokens) message.ShouldNotContain(token);
            message.ShouldNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("the-secret-value")));
        }
    }
}
