using System.Text;
using ScaiVault.Domain.Secrets;
using ScaiVault.Fakes.Gcp;

namespace ScaiVault.Federation.Tests.Gcp;

public sealed class GcpSecretManagerWriteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Write_NewSecret_CreatesItWithAutomaticReplicationThenAddsAChecksummedVersion()
    {
        await using var bed = await GcpTestBed.StartAsync();
        var backend = bed.Backend();

        var version = await backend.WriteAsync("apps/billing/db", GcpTestBed.Text("hunter2"), Ct);

        version.ShouldBe("1");
        bed.Fake.Exists("apps__billing__db").ShouldBeTrue();
        Encoding.UTF8.GetString(bed.Fake.Payload("apps__billing__db", 1)!).ShouldBe("hunter2");
        bed.Fake.Requests.ShouldBe([
            "POST /v1/projects/scaivault-test/secrets/apps__billing__db:addVersion",          // 404: no such secret yet
            "POST /v1/projects/scaivault-test/secrets?secretId=apps__billing__db",
            "POST /v1/projects/scaivault-test/secrets/apps__billing__db:addVersion",
        ]);
        backend.OutboundCalls.ShouldBe(3 + 1);
    }

    [Fact]
    public async Task Write_ExistingSecret_AddsTheNextVersionInOneCall()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("db", "one", "two");
        var backend = bed.Backend();

        var version = await backend.WriteAsync("db", GcpTestBed.Text("three"), Ct);

        version.ShouldBe("3");
        bed.Fake.VersionCount("db").ShouldBe(3);
        bed.Fake.Requests.Count.ShouldBe(1);
        (await backend.ReadAsync("db", Ct))!.RemoteVersion.ShouldBe("3");
    }

    [Fact]
    public async Task Write_BinaryJsonAndUnicode_ReadBackWithTheSameBytesAndType()
    {
        await using var bed = await GcpTestBed.StartAsync();
        var backend = bed.Backend();
        var binary = new RemoteSecretValue(SecretType.Binary, [0x00, 0x9F, 0xFF, 0x10, 0x80, 0x00]);
        var json = new RemoteSecretValue(SecretType.Json, Encoding.UTF8.GetBytes("""{"user":"app","password":"p@ss wörd"}"""));
        var unicode = GcpTestBed.Text("clé secrète — 秘密 🗝️");

        await backend.WriteAsync("bin", binary, Ct);
        await backend.WriteAsync("json", json, Ct);
        await backend.WriteAsync("text", unicode, Ct);

        (await backend.ReadAsync("bin", Ct))!.Value.ShouldBeEquivalentTo(binary);
        (await backend.ReadAsync("json", Ct))!.Value.ShouldBeEquivalentTo(json);
        (await backend.ReadAsync("text", Ct))!.Value.ShouldBeEquivalentTo(unicode);
        bed.Fake.Payload("bin", 1).ShouldBe(binary.Bytes);
    }

    [Fact]
    public async Task Write_EdgeNames_MapDeterministicallyAndListBackUnchanged()
    {
        await using var bed = await GcpTestBed.StartAsync();
        var backend = bed.Backend();
        var longest = string.Join('/', Enumerable.Repeat("abcdefghijklmnopqrstuvwxyz0123456789-_AB", 6)) + "/x-y";   // 255 as an id
        string[] names = ["-leading-dash", "_under/_score", "UPPER/lower/0123", "a-b/c_d/e", longest];

        foreach (var name in names) await backend.WriteAsync(name, GcpTestBed.Text(name), Ct);

        bed.Fake.Exists("_under___score").ShouldBeTrue();
        bed.Fake.Exists(longest.Replace("/", "__")).ShouldBeTrue();
        longest.Replace("/", "__").Length.ShouldBe(255);
        var listed = new List<string>();
        await foreach (var item in backend.ListAsync("", Ct)) listed.Add(item.Name);
        listed.Order(StringComparer.Ordinal).ShouldBe(names.Order(StringComparer.Ordinal));
        foreach (var name in names)
            Encoding.UTF8.GetString((await backend.ReadAsync(name, Ct))!.Value!.Bytes).ShouldBe(name);
    }

    [Theory]
    [InlineData("apps/db.password", "'.'")]
    [InlineData("apps/café", "U+00E9")]
    [InlineData("apps/a__b", "'__'")]
    [InlineData("apps_/b", "'__'")]
    [InlineData("apps//b", "empty segment")]
    public async Task Write_NameGcpCannotHold_IsRefusedWithTheReasonAndNoCall(string name, string reason)
    {
        await using var bed = await GcpTestBed.StartAsync();
        var backend = bed.Backend();

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.WriteAsync(name, GcpTestBed.Text("v"), Ct));

        e.Failure.ShouldBe(BackendFailure.NameNotRepresentable);
        e.Message.ShouldContain(reason);
        backend.OutboundCalls.ShouldBe(0);
    }

    [Fact]
    public async Task Write_TooLongName_IsRefused()
    {
        await using var bed = await GcpTestBed.StartAsync();
        var backend = bed.Backend();

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.WriteAsync(new string('a', 256), GcpTestBed.Text("v"), Ct));

        e.Message.ShouldContain("at most 255");
    }

    [Fact]
    public async Task Write_ValueOver64KiB_IsRefusedWithoutACall()
    {
        await using var bed = await GcpTestBed.StartAsync();
        var backend = bed.Backend();

        var e = await Should.ThrowAsync<FederationBackendException>(() =>
            backend.WriteAsync("big", new RemoteSecretValue(SecretType.Binary, new byte[64 * 1024 + 1]), Ct));

        e.Message.ShouldContain("64 KiB");
        backend.OutboundCalls.ShouldBe(0);
        bed.Fake.Exists("big").ShouldBeFalse();
    }

    [Fact]
    public async Task Write_SentChecksumIsTheFakesIndependentCrc32C()
    {
        await using var bed = await GcpTestBed.StartAsync();
        var backend = bed.Backend();
        var value = new RemoteSecretValue(SecretType.Binary, Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray());

        // The fake rejects a dataCrc32c that differs from its own table-driven CRC32C with 400 INVALID_ARGUMENT.
        (await backend.WriteAsync("crc", value, Ct)).ShouldBe("1");
        FakeCrc32C.Compute(bed.Fake.Payload("crc", 1)).ShouldBe(FakeCrc32C.Compute(value.Bytes));
    }
}
