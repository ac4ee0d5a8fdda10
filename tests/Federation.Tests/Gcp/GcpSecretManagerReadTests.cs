using System.Text;
using ScaiVault.Domain.Secrets;

namespace ScaiVault.Federation.Tests.Gcp;

public sealed class GcpSecretManagerReadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<List<RemoteSecretRef>> ListAll(IFederationBackend backend, string prefix)
    {
        var names = new List<RemoteSecretRef>();
        await foreach (var item in backend.ListAsync(prefix, Ct)) names.Add(item);
        return names;
    }

    [Fact]
    public async Task List_SeveralPages_ReturnsEveryNameWithSlashesAndCountsOneCallPerPage()
    {
        await using var bed = await GcpTestBed.StartAsync();
        for (var i = 1; i <= 7; i++) bed.Fake.Seed($"apps__billing__db{i}", "v");
        var backend = bed.Backend(("page_size", 3));

        var names = await ListAll(backend, "");

        names.Select(n => n.Name).Order().ShouldBe(Enumerable.Range(1, 7).Select(i => $"apps/billing/db{i}"));
        names.ShouldAllBe(n => n.ChangeMarker == null);
        bed.Fake.Requests.Count(r => r.StartsWith("GET /v1/projects/scaivault-test/secrets?")).ShouldBe(3);
        bed.Fake.Requests.Count(r => r.Contains("pageToken=")).ShouldBe(2);
        backend.OutboundCalls.ShouldBe(3 + 1);   // three pages and one token exchange
    }

    [Fact]
    public async Task List_Prefix_FiltersByNameOnTheServerAndKeepsOnlyTruePrefixes()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("apps__billing__db", "v");
        bed.Fake.Seed("apps__web", "v");
        bed.Fake.Seed("legacy__apps__x", "v");   // contains "apps__": the server filter is a substring match
        bed.Fake.Seed("apps2", "v");
        var backend = bed.Backend();

        var names = await ListAll(backend, "apps/");

        names.Select(n => n.Name).Order().ShouldBe(["apps/billing/db", "apps/web"]);
        bed.Fake.Requests.ShouldContain(r => r.Contains("filter=name%3Aapps__"));
    }

    [Fact]
    public async Task List_PrefixNoSecretIdCanHave_MakesNoCall()
    {
        await using var bed = await GcpTestBed.StartAsync();
        var backend = bed.Backend();

        (await ListAll(backend, "apps/db.password")).ShouldBeEmpty();
        backend.OutboundCalls.ShouldBe(0);
    }

    [Fact]
    public async Task Read_Latest_ReturnsNewestValueItsVersionAndLabelsAsTags()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("apps__billing__db", new Dictionary<string, string> { ["owner"] = "zoë", ["env"] = "prod" },
            Encoding.UTF8.GetBytes("first"), Encoding.UTF8.GetBytes("hunter2"));
        var backend = bed.Backend();

        var secret = await backend.ReadAsync("apps/billing/db", Ct);

        secret.ShouldNotBeNull();
        secret.Name.ShouldBe("apps/billing/db");
        secret.RemoteVersion.ShouldBe("2");
        secret.State.ShouldBe(RemoteVersionState.Active);
        secret.Value!.SecretType.ShouldBe(SecretType.String);
        Encoding.UTF8.GetString(secret.Value.Bytes).ShouldBe("hunter2");
        secret.Tags.ShouldBe(["env=prod", "owner=zoë"]);
        backend.OutboundCalls.ShouldBe(2 + 1);   // access latest, get secret (labels), one token
    }

    [Fact]
    public async Task Read_Missing_ReturnsNull()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("no-versions-yet");
        var backend = bed.Backend();

        (await backend.ReadAsync("apps/absent", Ct)).ShouldBeNull();
        (await backend.ReadAsync("no-versions-yet", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Read_LatestVersionDisabled_ReturnsItsStateAndNoValue()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("db", "one", "two");
        bed.Fake.SetVersionState("db", 2, "DISABLED");
        var backend = bed.Backend();

        var secret = await backend.ReadAsync("db", Ct);

        secret.ShouldNotBeNull();
        secret.RemoteVersion.ShouldBe("2");
        secret.State.ShouldBe(RemoteVersionState.Disabled);
        secret.Value.ShouldBeNull();
        secret.UpdatedAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task ReadVersions_OverSeveralPages_OldestFirstWithStatesAndValuesOnlyWhereEnabled()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("apps__db", new Dictionary<string, string> { ["team"] = "billing" },
            [.. new[] { "v1", "v2", "v3", "v4", "v5" }.Select(Encoding.UTF8.GetBytes)]);
        bed.Fake.SetVersionState("apps__db", 2, "DISABLED");
        bed.Fake.SetVersionState("apps__db", 3, "DESTROYED");
        var backend = bed.Backend(("page_size", 2));

        var versions = await backend.ReadVersionsAsync("apps/db", Ct);

        versions.Select(v => v.RemoteVersion).ShouldBe(["1", "2", "3", "4", "5"]);
        versions.Select(v => v.State).ShouldBe([
            RemoteVersionState.Active, RemoteVersionState.Disabled, RemoteVersionState.Destroyed,
            RemoteVersionState.Active, RemoteVersionState.Active]);
        versions.Select(v => v.Value is null ? null : Encoding.UTF8.GetString(v.Value.Bytes)).ShouldBe(["v1", null, null, "v4", "v5"]);
        versions.ShouldAllBe(v => v.UpdatedAt != null && v.Tags.SequenceEqual(new[] { "team=billing" }));
        versions.Select(v => v.UpdatedAt).ShouldBeInOrder(SortDirection.Ascending);
        bed.Fake.Requests.Count(r => r.Contains("/versions?")).ShouldBe(3);                  // 5 versions, 2 a page
        bed.Fake.Requests.Count(r => r.EndsWith(":access")).ShouldBe(3);                     // enabled ones only
        backend.OutboundCalls.ShouldBe(1 + 3 + 3 + 1);                                       // secret, pages, accesses, token
    }

    [Fact]
    public async Task ReadVersions_Missing_IsEmpty()
    {
        await using var bed = await GcpTestBed.StartAsync();
        (await bed.Backend().ReadVersionsAsync("nothing/here", Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Read_NumberedVersion_CorruptChecksum_RefusesTheValue()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("db", "s3cr3t-value");
        bed.Fake.CorruptChecksums = true;
        var backend = bed.Backend();

        var latest = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("db", Ct));
        var numbered = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadVersionsAsync("db", Ct));

        latest.Failure.ShouldBe(BackendFailure.BadResponse);
        latest.Message.ShouldContain("CRC32C");
        numbered.Failure.ShouldBe(BackendFailure.BadResponse);
        bed.Fake.Requests.ShouldContain(r => r.EndsWith("/versions/1:access"));
        latest.Message.ShouldNotContain("s3cr3t");
        numbered.Message.ShouldNotContain("s3cr3t");
    }

    [Fact]
    public async Task Read_Values_JsonObjectIsJson_TextIsString_OtherBytesAreBinary()
    {
        await using var bed = await GcpTestBed.StartAsync();
        byte[] binary = [0x00, 0xFF, 0xFE, 0x80, 0x01, 0xC3, 0x28];
        bed.Fake.Seed("json", null, Encoding.UTF8.GetBytes("""{"user":"app","password":"p@ss"}"""));
        bed.Fake.Seed("array", null, Encoding.UTF8.GetBytes("[1,2]"));
        bed.Fake.Seed("unicode", null, Encoding.UTF8.GetBytes("pässwörd 密码 🔑"));
        bed.Fake.Seed("binary", null, binary);
        var backend = bed.Backend();

        (await backend.ReadAsync("json", Ct))!.Value!.SecretType.ShouldBe(SecretType.Json);
        (await backend.ReadAsync("array", Ct))!.Value!.SecretType.ShouldBe(SecretType.String);
        var unicode = (await backend.ReadAsync("unicode", Ct))!.Value!;
        unicode.SecretType.ShouldBe(SecretType.String);
        Encoding.UTF8.GetString(unicode.Bytes).ShouldBe("pässwörd 密码 🔑");
        var bytes = (await backend.ReadAsync("binary", Ct))!.Value!;
        bytes.SecretType.ShouldBe(SecretType.Binary);
        bytes.Bytes.ShouldBe(binary);
    }

    [Fact]
    public async Task Read_NameGcpCannotHold_IsAbsentWithoutACall()
    {
        await using var bed = await GcpTestBed.StartAsync();
        var backend = bed.Backend();

        (await backend.ReadAsync("apps/db.password", Ct)).ShouldBeNull();
        (await backend.ReadAsync("apps/café", Ct)).ShouldBeNull();
        (await backend.ReadVersionsAsync("apps//db", Ct)).ShouldBeEmpty();
        backend.OutboundCalls.ShouldBe(0);
    }

    [Fact]
    public async Task Check_MakesOneAuthenticatedCall()
    {
        await using var bed = await GcpTestBed.StartAsync();
        var backend = bed.Backend();

        var took = await backend.CheckAsync(Ct);

        took.ShouldBeGreaterThan(TimeSpan.Zero);
        bed.Fake.Requests.ShouldBe(["GET /v1/projects/scaivault-test/secrets?pageSize=1"]);
        backend.OutboundCalls.ShouldBe(2);
        backend.Type.ShouldBe("google-secret-manager");
    }
}
