using System.Text;
using System.Text.Json;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation.Tests.Vault;

public sealed class VaultWriteTests : IAsyncLifetime
{
    private VaultTestKit _kit = null!;
    private static CancellationToken Ct => VaultTestKit.Ct;

    public async ValueTask InitializeAsync() => _kit = await VaultTestKit.StartAsync();
    public async ValueTask DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task Write_JsonObjectToKvV2_CreatesANewVersionAndReturnsItsNumber()
    {
        var kv = _kit.Vault.Root.KvV2("kv");
        kv.Put("apps/db", new { password = "one" });
        var backend = _kit.Backend();

        var version = await backend.WriteAsync("kv/data/apps/db", new RemoteSecretValue(SecretType.Json, """{"password":"two"}"""u8.ToArray()), Ct);

        version.ShouldBe("2");
        kv.Get("apps/db").ShouldBe("""{"password":"two"}""");
        _kit.Vault.CallsTo("POST kv/data").ShouldBe(1);
    }

    [Fact]
    public async Task Write_StringAndBinary_AreWrappedAsValueObjects()
    {
        var kv = _kit.Vault.Root.KvV2("kv");
        var backend = _kit.Backend();

        await backend.WriteAsync("kv/data/s", new RemoteSecretValue(SecretType.String, Encoding.UTF8.GetBytes("plain text")), Ct);
        await backend.WriteAsync("kv/data/b", new RemoteSecretValue(SecretType.Binary, [1, 2, 3]), Ct);
        await backend.WriteAsync("kv/data/n", new RemoteSecretValue(SecretType.Json, "[1,2]"u8.ToArray()), Ct);

        JsonDocument.Parse(kv.Get("s")!).RootElement.GetProperty("value").GetString().ShouldBe("plain text");
        var binary = JsonDocument.Parse(kv.Get("b")!).RootElement;
        binary.GetProperty("value").GetString().ShouldBe("AQID");
        binary.GetProperty("encoding").GetString().ShouldBe("base64");
        JsonDocument.Parse(kv.Get("n")!).RootElement.GetProperty("value").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task Write_KvV1_StoresTheFlatObject()
    {
        var v1 = _kit.Vault.Root.KvV1("legacy");
        var backend = _kit.Backend();

        var version = await backend.WriteAsync("legacy/apps/db", new RemoteSecretValue(SecretType.Json, """{"password":"x"}"""u8.ToArray()), Ct);

        version.ShouldBe("current");
        v1.Get("apps/db").ShouldBe("""{"password":"x"}""");
    }

    [Fact]
    public async Task Write_RefusedByCasRequired_IsABadResponseWithVaultsReasonButNoValue()
    {
        _kit.Vault.Root.KvV2("kv").CasRequired = true;
        var backend = _kit.Backend();

        var e = await Should.ThrowAsync<FederationBackendException>(() =>
            backend.WriteAsync("kv/data/a", new RemoteSecretValue(SecretType.Json, """{"password":"s3cr3t-value"}"""u8.ToArray()), Ct));

        e.Failure.ShouldBe(BackendFailure.BadResponse);
        e.Message.ShouldContain("check-and-set");
        e.Message.ShouldNotContain("s3cr3t-value");
    }
}
