using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ScaiVault.Fakes.Vault;

namespace ScaiVault.Federation.Tests.Vault;

public sealed class VaultFailureTests : IAsyncLifetime
{
    private VaultTestKit _kit = null!;
    private static CancellationToken Ct => VaultTestKit.Ct;

    public async ValueTask InitializeAsync()
    {
        _kit = await VaultTestKit.StartAsync();
        _kit.Vault.Root.KvV2("kv").Put("apps/db", new { password = "value-never-shown" });
        _kit.Vault.RetryAfterSeconds = 0;
    }

    public async ValueTask DisposeAsync() => await _kit.DisposeAsync();

    private async Task<FederationBackendException> FailingReadAsync(IFederationBackend backend) =>
        await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("kv/data/apps/db", Ct));

    [Fact]
    public async Task PolicyDenies_IsAccessDeniedAfterOneFreshTokenAttempt()
    {
        _kit.Vault.Root.Policy("elsewhere", "kv/data/other/*", "read");
        var token = _kit.Vault.Root.CreateToken(["elsewhere"]);
        _kit.Credentials.Json("infra/vault/token", new { token });
        var backend = _kit.Backend(new { endpoint = _kit.Vault.Endpoint, auth_config_path = "infra/vault/token" });

        var e = await FailingReadAsync(backend);

        e.Failure.ShouldBe(BackendFailure.AccessDenied);
        e.Message.ShouldContain("kv/data/apps/db");
        e.Message.ShouldNotContain(token);
        _kit.Vault.CallsTo("GET kv/data").ShouldBe(2);
    }

    [Fact]
    public async Task RateLimitedBriefly_IsRetriedAndSucceeds()
    {
        var backend = _kit.Backend();
        await backend.CheckAsync(Ct);
        _kit.Vault.FailNext(VaultFault.RateLimited, times: 2);

        (await backend.ReadAsync("kv/data/apps/db", Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task RateLimitedPersistently_IsThrottledAfterBoundedRetries()
    {
        var backend = _kit.Backend();
        await backend.CheckAsync(Ct);
        _kit.Vault.ResetCalls();
        _kit.Vault.Fail(VaultFault.RateLimited);

        var e = await FailingReadAsync(backend);

        e.Failure.ShouldBe(BackendFailure.Throttled);
        _kit.Vault.TotalCalls.ShouldBe(4);                               // one try and three retries, then give up
    }

    [Fact]
    public async Task Sealed_IsUnavailable()
    {
        var backend = _kit.Backend();
        _kit.Vault.Fail(VaultFault.Sealed);

        var e = await FailingReadAsync(backend);

        e.Failure.ShouldBe(BackendFailure.Unavailable);
        e.Message.ShouldContain("sealed");
    }

    [Fact]
    public async Task InternalErrorOrDroppedConnection_IsUnavailable()
    {
        var backend = _kit.Backend();
        await backend.CheckAsync(Ct);
        _kit.Vault.FailNext(VaultFault.InternalError);
        (await FailingReadAsync(backend)).Failure.ShouldBe(BackendFailure.Unavailable);
        _kit.Vault.FailNext(VaultFault.DropConnection);
        (await FailingReadAsync(backend)).Failure.ShouldBe(BackendFailure.Unavailable);
        (await backend.ReadAsync("kv/data/apps/db", Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task SlowerThanTheTimeout_IsTimeout()
    {
        _kit.Credentials.Json("infra/vault/token", new { token = _kit.Vault.Root.RootToken });
        var backend = _kit.Backend(new { endpoint = _kit.Vault.Endpoint, auth_config_path = "infra/vault/token", timeout = "1s" });
        _kit.Vault.Latency = TimeSpan.FromSeconds(60);

        var e = await FailingReadAsync(backend);

        e.Failure.ShouldBe(BackendFailure.Timeout);
        e.Message.ShouldContain("within 1s");
    }

    [Fact]
    public async Task NothingListening_IsUnavailable()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _kit.Credentials.Json("infra/vault/token", new { token = "hvs.not-used" });
        var backend = _kit.Backend(new { endpoint = $"http://127.0.0.1:{port}", auth_config_path = "infra/vault/token" });

        var e = await FailingReadAsync(backend);

        e.Failure.ShouldBe(BackendFailure.Unavailable);
        e.Message.ShouldNotContain("hvs.not-used");
    }

    [Fact]
    public async Task GarbageAnswer_IsBadResponse()
    {
        await using var garbage = await ScaiVault.Fakes.FakeServerHost.StartAsync(app =>
            app.Run((RequestDelegate)(ctx => ctx.Response.WriteAsync("<html>proxy login</html>", ctx.RequestAborted))));
        _kit.Credentials.Json("infra/vault/token", new { token = "hvs.x" });
        var backend = _kit.Backend(new { endpoint = garbage.BaseAddress.ToString(), auth_config_path = "infra/vault/token" });

        (await FailingReadAsync(backend)).Failure.ShouldBe(BackendFailure.BadResponse);
    }

    [Fact]
    public async Task OutboundCalls_CountEveryRequestIncludingRetries()
    {
        var backend = _kit.Backend();
        _kit.Vault.FailNext(VaultFault.RateLimited, times: 1);

        await backend.ReadAsync("kv/data/apps/db", Ct);
        await backend.ListAsync("kv/data/", Ct).ToListAsync();

        backend.OutboundCalls.ShouldBe(_kit.Vault.TotalCalls);
        backend.OutboundCalls.ShouldBeGreaterThanOrEqualTo(5);
    }
}
