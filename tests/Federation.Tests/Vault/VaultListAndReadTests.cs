using System.Text.Json;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation.Tests.Vault;

public sealed class VaultListAndReadTests : IAsyncLifetime
{
    private VaultTestKit _kit = null!;
    private static CancellationToken Ct => VaultTestKit.Ct;

    public async ValueTask InitializeAsync() => _kit = await VaultTestKit.StartAsync();
    public async ValueTask DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task List_KvV2Mount_WalksNestedFoldersAndYieldsDataNames()
    {
        var kv = _kit.Vault.Root.KvV2("kv");
        kv.Put("apps/billing/db", new { password = "a" });
        kv.Put("apps/billing/stripe", new { key = "b" });
        kv.Put("apps/db", new { password = "c" });
        kv.Put("apps/db/replica", new { password = "d" });
        kv.Put("shared/deep/er/est/x", new { v = 1 });
        kv.Put("top", new { v = 1 });
        var backend = _kit.Backend();

        var names = (await backend.ListAsync("kv/data/", Ct).ToListAsync()).Select(r => r.Name).Order(StringComparer.Ordinal);

        names.ShouldBe([
            "kv/data/apps/billing/db", "kv/data/apps/billing/stripe", "kv/data/apps/db", "kv/data/apps/db/replica",
            "kv/data/shared/deep/er/est/x", "kv/data/top",
        ]);
    }

    [Fact]
    public async Task List_PrefixInsideAFolder_YieldsOnlyMatchingNames()
    {
        var kv = _kit.Vault.Root.KvV2("kv");
        kv.Put("apps/billing/db", new { v = 1 });
        kv.Put("apps/bills/x", new { v = 1 });
        kv.Put("apps/other", new { v = 1 });
        kv.Put("ops/x", new { v = 1 });
        var backend = _kit.Backend();

        var names = (await backend.ListAsync("kv/data/apps/bill", Ct).ToListAsync()).Select(r => r.Name);

        names.Order(StringComparer.Ordinal).ShouldBe(["kv/data/apps/billing/db", "kv/data/apps/bills/x"]);
        _kit.Vault.CallsTo("LIST kv/metadata").ShouldBe(3);              // apps/, apps/billing/, apps/bills/ — never ops/
    }

    [Fact]
    public async Task List_ChangeMarker_ChangesWithANewVersionOrADeletion()
    {
        var kv = _kit.Vault.Root.KvV2("kv");
        kv.Put("a", new { v = 1 });
        var backend = _kit.Backend();

        var first = (await backend.ListAsync("kv/data/", Ct).ToListAsync()).Single().ChangeMarker;
        var unchanged = (await backend.ListAsync("kv/data/", Ct).ToListAsync()).Single().ChangeMarker;
        _kit.Clock.Advance(TimeSpan.FromSeconds(1));
        kv.Put("a", new { v = 2 });
        var written = (await backend.ListAsync("kv/data/", Ct).ToListAsync()).Single().ChangeMarker;
        kv.Delete("a");
        var deleted = (await backend.ListAsync("kv/data/", Ct).ToListAsync()).Single().ChangeMarker;

        first.ShouldNotBeNull();
        unchanged.ShouldBe(first);
        written.ShouldNotBe(first);
        deleted.ShouldNotBe(written);
    }

    [Fact]
    public async Task List_EmptyOrMissingFolder_YieldsNothing()
    {
        _kit.Vault.Root.KvV2("kv");
        var backend = _kit.Backend();

        (await backend.ListAsync("kv/data/", Ct).ToListAsync()).ShouldBeEmpty();
        (await backend.ListAsync("kv/data/nothing/here/", Ct).ToListAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task List_KvV1Mount_YieldsMountKeyNamesWithoutMarkers()
    {
        var v1 = _kit.Vault.Root.KvV1("legacy");
        v1.Put("apps/db", new { password = "x" });
        v1.Put("apps/deep/y", new { password = "y" });
        var backend = _kit.Backend();

        var refs = await backend.ListAsync("legacy/", Ct).ToListAsync();

        refs.Select(r => r.Name).Order(StringComparer.Ordinal).ShouldBe(["legacy/apps/db", "legacy/apps/deep/y"]);
        refs.ShouldAllBe(r => r.ChangeMarker == null);
    }

    [Fact]
    public async Task ListAndRead_BareNamesOnAV2Mount_AreForgivenAndKeepTheirForm()
    {
        _kit.Vault.Root.KvV2("kv").Put("apps/db", new { password = "p" });
        var backend = _kit.Backend();

        var names = (await backend.ListAsync("kv/", Ct).ToListAsync()).Select(r => r.Name);
        var secret = await backend.ReadAsync("kv/apps/db", Ct);

        names.ShouldBe(["kv/apps/db"]);
        secret.ShouldNotBeNull();
        VaultTestKit.Text(secret.Value).ShouldBe("""{"password":"p"}""");
    }

    [Fact]
    public async Task Read_KvV2Current_ReturnsJsonObjectVersionTagsAndTime()
    {
        var kv = _kit.Vault.Root.KvV2("kv");
        kv.Put("apps/billing/db", new { username = "billing_app", password = "old" });
        kv.Put("apps/billing/db", new { username = "billing_app", password = "hunter2", port = 5432 },
            new Dictionary<string, string> { ["owner"] = "team-billing", ["env"] = "prod" });
        var backend = _kit.Backend();

        var secret = await backend.ReadAsync("kv/data/apps/billing/db", Ct);

        secret.ShouldNotBeNull();
        secret.Name.ShouldBe("kv/data/apps/billing/db");
        secret.RemoteVersion.ShouldBe("2");
        secret.State.ShouldBe(RemoteVersionState.Active);
        secret.Value!.SecretType.ShouldBe(SecretType.Json);
        var value = JsonDocument.Parse(secret.Value.Bytes).RootElement;
        value.GetProperty("password").GetString().ShouldBe("hunter2");
        value.GetProperty("port").GetInt32().ShouldBe(5432);
        secret.Tags.ShouldBe(["env=prod", "owner=team-billing"]);
        secret.UpdatedAt.ShouldBe(_kit.Clock.GetUtcNow());
    }

    [Fact]
    public async Task Read_MissingSecretOrDeletedCurrentVersion_ReturnsNull()
    {
        var kv = _kit.Vault.Root.KvV2("kv");
        kv.Put("gone", new { v = 1 });
        kv.Delete("gone");
        var backend = _kit.Backend();

        (await backend.ReadAsync("kv/data/missing", Ct)).ShouldBeNull();
        (await backend.ReadAsync("kv/data/gone", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ReadVersions_ReturnsAllOldestFirstWithDeletedAndDestroyedStates()
    {
        var kv = _kit.Vault.Root.KvV2("kv");
        kv.Put("app", new { v = 1 }, new Dictionary<string, string> { ["team"] = "a" });
        kv.Put("app", new { v = 2 });
        kv.Put("app", new { v = 3 });
        kv.Put("app", new { v = 4 });
        kv.Delete("app", 2);
        kv.Destroy("app", 3);
        var backend = _kit.Backend();

        var versions = await backend.ReadVersionsAsync("kv/data/app", Ct);

        versions.Select(v => v.RemoteVersion).ShouldBe(["1", "2", "3", "4"]);
        versions.Select(v => v.State).ShouldBe([RemoteVersionState.Active, RemoteVersionState.Deleted, RemoteVersionState.Destroyed, RemoteVersionState.Active]);
        VaultTestKit.Text(versions[0].Value).ShouldBe("""{"v":1}""");
        versions[1].Value.ShouldBeNull();
        versions[2].Value.ShouldBeNull();
        VaultTestKit.Text(versions[3].Value).ShouldBe("""{"v":4}""");
        versions.ShouldAllBe(v => v.Tags.Single() == "team=a");
        _kit.Vault.CallsTo("GET kv/data").ShouldBe(2);                   // only the readable versions are fetched
    }

    [Fact]
    public async Task ReadVersions_MissingSecret_ReturnsEmpty()
    {
        _kit.Vault.Root.KvV2("kv");
        var backend = _kit.Backend();

        (await backend.ReadVersionsAsync("kv/data/none", Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Read_KvV1_ReturnsTheStoredObjectAsItsOnlyVersion()
    {
        _kit.Vault.Root.KvV1("legacy").Put("apps/db", new { password = "v1-pass" });
        var backend = _kit.Backend();

        var secret = await backend.ReadAsync("legacy/apps/db", Ct);
        var versions = await backend.ReadVersionsAsync("legacy/apps/db", Ct);

        VaultTestKit.Text(secret!.Value).ShouldBe("""{"password":"v1-pass"}""");
        versions.Count.ShouldBe(1);
        (await backend.ReadAsync("legacy/apps/none", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Detection_AskedOncePerMount()
    {
        var kv = _kit.Vault.Root.KvV2("kv");
        _kit.Vault.Root.KvV1("legacy").Put("a", new { v = 1 });
        kv.Put("a", new { v = 1 });
        kv.Put("b", new { v = 1 });
        var backend = _kit.Backend();

        await backend.ReadAsync("kv/data/a", Ct);
        await backend.ReadAsync("kv/data/b", Ct);
        await backend.ReadAsync("legacy/a", Ct);
        await backend.ReadAsync("legacy/a", Ct);

        _kit.Vault.CallsTo("GET sys/internal/ui/mounts").ShouldBe(2);
    }

    [Fact]
    public async Task UnicodeAndOddNames_RoundTripThroughListReadAndWrite()
    {
        var kv = _kit.Vault.Root.KvV2("kv");
        string[] keys = ["teams/über café/db", "teams/a#b?c/x", "teams/100%/y", "teams/日本/z", "teams/with+plus&amp/w"];
        foreach (var key in keys) kv.Put(key, new { key });
        var backend = _kit.Backend();

        var names = (await backend.ListAsync("kv/data/teams/", Ct).ToListAsync()).Select(r => r.Name).ToList();

        names.Order(StringComparer.Ordinal).ShouldBe(keys.Select(k => "kv/data/" + k).Order(StringComparer.Ordinal));
        foreach (var key in keys)
            JsonDocument.Parse((await backend.ReadAsync("kv/data/" + key, Ct))!.Value!.Bytes).RootElement.GetProperty("key").GetString().ShouldBe(key);
        await backend.WriteAsync("kv/data/teams/ñ new", new RemoteSecretValue(SecretType.Json, """{"a":"b"}"""u8.ToArray()), Ct);
        kv.Get("teams/ñ new").ShouldBe("""{"a":"b"}""");
    }
}
