using System.Text;
using System.Text.Json;
using Alba;
using Marten;
using ScaiVault.Domain.Crypto;
using ScaiVault.Domain.Secrets;
using ScaiVault.Http.Tests.Infrastructure;

namespace ScaiVault.Http.Tests.Security;

/// <summary>
/// Destroying a version is crypto-shredding: its event stays in the log with nothing but ciphertext, and its data
/// key is gone from the key ring, so nothing (not even this service with its root key) can open it again.
/// </summary>
public sealed class DestroyedVersionTests(AppFixture fixture) : IntegrationContext(fixture)
{
    private const string Path = "shred/db";
    private const string Value1 = "destroyed-version-one-c0ffee42";
    private const string Value2 = "kept-version-two-decade17";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IRootKeyProvider RootKey => Host.Services.GetRequiredService<IRootKeyProvider>();

    private static byte[] Plaintext(string value) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { password = value }));

    private async Task WriteTwoVersionsAndDestroyTheFirst()
    {
        Assert.Equal(1, await Host.PutSecret(Path, new { password = Value1 }));
        Assert.Equal(2, await Host.PutSecret(Path, new { password = Value2 }));
        var destroy = await Host.Send("POST", "/v1/destroy/" + Path, """{"versions": [1]}""");
        Assert.Equal(204, destroy.Status());
    }

    [Fact]
    public async Task Destroy_Version_EventKeepsOnlyCiphertextAndTheKeyIsGone()
    {
        await WriteTwoVersionsAndDestroyTheFirst();

        await using var session = Store.QuerySession(Database.Tenant);
        var events = await session.Events.FetchStreamAsync(Path, token: Ct);
        var written = events.Select(e => e.Data).OfType<SecretVersionWritten>().ToDictionary(e => e.Version);
        Assert.Equal([1, 2], written.Keys.Order());
        Assert.Contains(events, e => e.Data is SecretVersionsDestroyed d && d.Versions.SequenceEqual([1]));

        // the event of version 1 is still there, and it is AES-GCM output only
        var sealedOne = written[1].Value;
        Assert.Equal(Envelope.NonceSize, sealedOne.Nonce.Length);
        Assert.Equal(Envelope.TagSize, sealedOne.Tag.Length);
        var plainOne = Plaintext(Value1);
        Assert.Equal(plainOne.Length, sealedOne.Ciphertext.Length);
        Assert.NotEqual(plainOne, sealedOne.Ciphertext);
        var serialized = JsonSerializer.Serialize(written[1]);
        Assert.DoesNotContain(Value1, serialized);
        Assert.DoesNotContain(Convert.ToBase64String(plainOne), serialized);

        // the key ring has no key for version 1 any more; version 2's key is still there
        var ring = await session.LoadAsync<SecretKeyRing>(Path, Ct);
        Assert.NotNull(ring);
        Assert.DoesNotContain(1, ring.Keys.Keys);
        Assert.Equal([2], ring.Keys.Keys);
    }

    [Fact]
    public async Task OpenDestroyedVersion_WithEveryKeyLeft_IsImpossible()
    {
        await WriteTwoVersionsAndDestroyTheFirst();

        await using var session = Store.QuerySession(Database.Tenant);
        var written = (await session.Events.FetchStreamAsync(Path, token: Ct)).Select(e => e.Data).OfType<SecretVersionWritten>().ToDictionary(e => e.Version);
        var ring = (await session.LoadAsync<SecretKeyRing>(Path, Ct))!;
        var associatedOne = Envelope.AssociatedData(Database.Tenant, Path, 1);

        foreach (var (version, wrapped) in ring.Keys)
        {
            // a remaining wrapped key cannot be unwrapped as version 1's key: it is bound to its own version
            await Assert.ThrowsAsync<SecretIntegrityException>(async () => await RootKey.UnwrapAsync(wrapped, associatedOne, Ct));

            // unwrapped as what it is, it still does not open version 1's ciphertext
            var key = await RootKey.UnwrapAsync(wrapped, Envelope.AssociatedData(Database.Tenant, Path, version), Ct);
            Assert.Throws<SecretIntegrityException>(() => Envelope.Open(key, written[1].Value, associatedOne));

            // while the same procedure does open the version that key belongs to: the method works, the key for 1 is gone
            var opened = Envelope.Open(key, written[version].Value, Envelope.AssociatedData(Database.Tenant, Path, version));
            Assert.Equal(Plaintext(Value2), opened);
        }
    }

    [Fact]
    public async Task ReadDestroyedVersion_ThroughTheApi_Is410AndTheRestStillReads()
    {
        await WriteTwoVersionsAndDestroyTheFirst();

        var destroyed = await Host.Send("GET", "/v1/secrets/" + Path + "?version=1");
        Assert.Equal(410, destroyed.Status());
        Assert.Equal("version_destroyed", await destroyed.ErrorCode());
        Assert.DoesNotContain(Value1, await destroyed.ReadAsTextAsync());

        var restore = await Host.Send("POST", "/v1/undelete/" + Path, """{"versions": [1]}""");
        Assert.Equal(409, restore.Status());
        Assert.Equal("version_destroyed", await restore.ErrorCode());

        var metadata = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/metadata/" + Path))).Json();
        var states = metadata["versions"]!.AsArray().ToDictionary(v => v!["version"]!.GetValue<int>(), v => v!["state"]!.GetValue<string>());
        Assert.Equal("destroyed", states[1]);
        Assert.Equal("active", states[2]);

        var current = await (await Host.Scenario(s => s.AsRoot().Get.Url("/v1/secrets/" + Path))).Json();
        Assert.Equal(Value2, current["data"]!["password"]!.GetValue<string>());
    }

    [Fact]
    public async Task Destroy_CurrentVersion_ReadIs410AndTheDocumentDropsItsCiphertext()
    {
        Assert.Equal(1, await Host.PutSecret(Path, new { password = Value1 }));
        Assert.Equal(204, (await Host.Send("POST", "/v1/destroy/" + Path)).Status());

        var read = await Host.Send("GET", "/v1/secrets/" + Path);
        Assert.Equal(410, read.Status());
        Assert.Equal("version_destroyed", await read.ErrorCode());

        await using var session = Store.QuerySession(Database.Tenant);
        var secret = await session.LoadAsync<Secret>(Path, Ct);
        Assert.NotNull(secret);
        Assert.Null(secret.CurrentValue);
        var ring = await session.LoadAsync<SecretKeyRing>(Path, Ct);
        Assert.Empty(ring!.Keys);
    }

    [Fact]
    public async Task DeleteSecret_Whole_ShredsEveryKeyButKeepsTheEvents()
    {
        await WriteTwoVersionsAndDestroyTheFirst();
        Assert.Equal(204, (await Host.Send("DELETE", "/v1/secrets/" + Path)).Status());

        await using (var session = Store.QuerySession(Database.Tenant))
        {
            var ring = await session.LoadAsync<SecretKeyRing>(Path, Ct);
            Assert.Empty(ring!.Keys);
            var written = (await session.Events.FetchStreamAsync(Path, token: Ct)).Select(e => e.Data).OfType<SecretVersionWritten>().ToArray();
            Assert.Equal(2, written.Length);
        }
        var gone = await Host.Send("GET", "/v1/secrets/" + Path + "?version=2");
        Assert.Equal(404, gone.Status());
        Assert.Equal("secret_not_found", await gone.ErrorCode());

        // the path is free; the next write continues the numbering and the old versions stay unreadable
        Assert.Equal(3, await Host.PutSecret(Path, new { password = "reborn" }));
        foreach (var old in new[] { 1, 2 })
        {
            var result = await Host.Send("GET", $"/v1/secrets/{Path}?version={old}");
            Assert.Equal(410, result.Status());
            Assert.Equal("version_destroyed", await result.ErrorCode());
        }
        await using (var session = Store.QuerySession(Database.Tenant))
        {
            Assert.Equal([3], (await session.LoadAsync<SecretKeyRing>(Path, Ct))!.Keys.Keys);
        }
    }

    [Fact]
    public async Task Write_BeyondMaxVersions_ShredsThePrunedVersionsKey()
    {
        Assert.Equal(1, await Host.PutSecret(Path, new { password = Value1 }, options: new { max_versions = 1 }));
        Assert.Equal(2, await Host.PutSecret(Path, new { password = Value2 }));

        await using (var session = Store.QuerySession(Database.Tenant))
        {
            Assert.Equal([2], (await session.LoadAsync<SecretKeyRing>(Path, Ct))!.Keys.Keys);
        }
        var pruned = await Host.Send("GET", "/v1/secrets/" + Path + "?version=1");
        Assert.Equal(410, pruned.Status());
        Assert.Equal("version_destroyed", await pruned.ErrorCode());
    }

    [Fact]
    public async Task OlderVersionsKeys_LiveInTheirOwnDocuments_AndDestroyDeletesThem()
    {
        Assert.Equal(1, await Host.PutSecret(Path, new { password = Value1 }));
        Assert.Equal(2, await Host.PutSecret(Path, new { password = Value2 }));
        Assert.Equal(3, await Host.PutSecret(Path, new { password = "third" }));

        await using (var session = Store.QuerySession(Database.Tenant))
        {
            // the current version's key is the only one the document of every current read holds
            Assert.Equal([3], (await session.LoadAsync<SecretKeyRing>(Path, Ct))!.Keys.Keys);
            Assert.NotNull(await session.LoadAsync<SecretVersionKey>(SecretVersionKey.IdFor(Path, 1), Ct));
            Assert.NotNull(await session.LoadAsync<SecretVersionKey>(SecretVersionKey.IdFor(Path, 2), Ct));
        }
        var older = await Host.Send("GET", "/v1/secrets/" + Path + "?version=2");
        Assert.Equal(200, older.Status());

        var destroyed = await Host.Send("POST", "/v1/destroy/" + Path, """{"versions": [1]}""");
        Assert.Equal(204, destroyed.Status());

        await using (var session = Store.QuerySession(Database.Tenant))
        {
            Assert.Null(await session.LoadAsync<SecretVersionKey>(SecretVersionKey.IdFor(Path, 1), Ct));
            Assert.NotNull(await session.LoadAsync<SecretVersionKey>(SecretVersionKey.IdFor(Path, 2), Ct));
        }
        Assert.Equal(410, (await Host.Send("GET", "/v1/secrets/" + Path + "?version=1")).Status());
        Assert.Equal(200, (await Host.Send("GET", "/v1/secrets/" + Path + "?version=2")).Status());
    }
}
