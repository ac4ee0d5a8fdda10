using System.Text;
using Microsoft.Extensions.Time.Testing;
using ScaiVault.Domain.Secrets;
using ScaiVault.Federation.Aws;
using static ScaiVault.Federation.Tests.Aws.AsmTestBed;

namespace ScaiVault.Federation.Tests.Aws;

public sealed class AwsSecretsManagerBackendTests
{
    [Fact]
    public async Task List_SeveralPages_YieldsEveryNameUnderThePrefix_OneCallPerHundred()
    {
        await using var bed = await StartAsync();
        for (var i = 0; i < 250; i++) bed.Fake.Seed($"prod/app{i:D3}/db", "v" + i);
        for (var i = 0; i < 7; i++) bed.Fake.Seed($"dev/app{i}/db", "d");
        bed.Fake.Seed("production-like/x", "not under prod/");

        var listed = await ListAll(bed.Backend, "prod/");

        listed.Select(r => r.Name).ShouldBe(Enumerable.Range(0, 250).Select(i => $"prod/app{i:D3}/db"));
        listed.ShouldAllBe(r => r.ChangeMarker != null);
        bed.Fake.Calls("ListSecrets").ShouldBe(3);
        bed.Fake.TotalCalls.ShouldBe(3);
        bed.Backend.OutboundCalls.ShouldBe(3);
    }

    [Fact]
    public async Task List_UnchangedSync_CostsOnlyTheListing_AndMarkersChangeWithValueOrTags()
    {
        await using var bed = await StartAsync();
        for (var i = 0; i < 1000; i++) bed.Fake.Seed($"prod/s{i:D4}", "v");
        var first = (await ListAll(bed.Backend, "prod/")).ToDictionary(r => r.Name, r => r.ChangeMarker);
        bed.Fake.PutValue("prod/s0005", "new value");
        bed.Fake.SetTags("prod/s0006", new Dictionary<string, string> { ["team"] = "billing" });
        bed.Fake.ResetCalls();

        var second = (await ListAll(bed.Backend, "prod/")).ToDictionary(r => r.Name, r => r.ChangeMarker);

        bed.Fake.TotalCalls.ShouldBe(10);   // one call per 100 secrets, nothing per secret
        second.Where(kv => first[kv.Key] != kv.Value).Select(kv => kv.Key).Order().ShouldBe(["prod/s0005", "prod/s0006"]);
    }

    [Fact]
    public async Task Read_StringJsonAndBinary_MapToSecretTypes_WithTagsAsKeyValue()
    {
        await using var bed = await StartAsync();
        bed.Fake.Seed("prod/plain", "hunter2", tags: new Dictionary<string, string> { ["environment"] = "prod", ["owner"] = "team-billing" });
        bed.Fake.Seed("prod/json", """{"username":"app","password":"pw"}""");
        bed.Fake.Seed("prod/json-array", """["not","an","object"]""");
        byte[] bytes = [0, 1, 2, 3, 255, 254];
        bed.Fake.Seed("prod/blob", secretBinary: bytes);

        var plain = await bed.Backend.ReadAsync("prod/plain", Ct);
        var json = await bed.Backend.ReadAsync("prod/json", Ct);
        var array = await bed.Backend.ReadAsync("prod/json-array", Ct);
        var blob = await bed.Backend.ReadAsync("prod/blob", Ct);

        plain!.Value!.SecretType.ShouldBe(SecretType.String);
        Encoding.UTF8.GetString(plain.Value.Bytes).ShouldBe("hunter2");
        plain.Tags.ShouldBe(["environment=prod", "owner=team-billing"]);
        plain.RemoteVersion.ShouldBe(bed.Fake.Find("prod/plain")!.Versions.Single().Id);
        plain.UpdatedAt.ShouldNotBeNull();
        json!.Value!.SecretType.ShouldBe(SecretType.Json);
        Encoding.UTF8.GetString(json.Value.Bytes).ShouldBe("""{"username":"app","password":"pw"}""");
        array!.Value!.SecretType.ShouldBe(SecretType.String);
        blob!.Value!.SecretType.ShouldBe(SecretType.Binary);
        blob.Value.Bytes.ShouldBe(bytes);
        blob.Tags.ShouldBeEmpty();
    }

    [Fact]
    public async Task Read_MissingSecret_OrSecretWithoutValue_OrScheduledForDeletion_ReturnsNull()
    {
        await using var bed = await StartAsync();
        bed.Fake.Seed("prod/empty");
        bed.Fake.Seed("prod/doomed", "x").Deleted = true;

        (await bed.Backend.ReadAsync("prod/missing", Ct)).ShouldBeNull();
        (await bed.Backend.ReadAsync("prod/empty", Ct)).ShouldBeNull();
        (await bed.Backend.ReadAsync("prod/doomed", Ct)).ShouldBeNull();
        (await bed.Backend.ReadVersionsAsync("prod/missing", Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Read_AfterListing_TakesTagsFromTheListing_WithoutDescribeSecret()
    {
        await using var bed = await StartAsync();
        bed.Fake.Seed("prod/a", "1", tags: new Dictionary<string, string> { ["k"] = "v" });
        await ListAll(bed.Backend, "prod/");

        var read = await bed.Backend.ReadAsync("prod/a", Ct);

        read!.Tags.ShouldBe(["k=v"]);
        bed.Fake.Calls("DescribeSecret").ShouldBe(0);
        bed.Fake.Calls("GetSecretValue").ShouldBe(1);
    }

    [Fact]
    public async Task SyncRead_LongAfterItsListing_KeepsTheListingsTags_WhileAProxyReadDescribesAgain()
    {
        // A sync capped at 20 calls/s reads its last secrets many minutes after listing them.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
        await using var bed = await StartAsync(time: time);
        bed.Fake.Seed("prod/a", "1", tags: new Dictionary<string, string> { ["k"] = "v" });
        bed.Fake.Seed("prod/b", "2", tags: new Dictionary<string, string> { ["k"] = "w" });
        await ListAll(bed.Backend, "prod/");
        time.Advance(TimeSpan.FromMinutes(10));

        var synced = await bed.Backend.ReadVersionsAsync("prod/a", Ct);
        bed.Fake.Calls("DescribeSecret").ShouldBe(0);
        var proxied = await bed.Backend.ReadAsync("prod/b", Ct);

        synced.Single().Tags.ShouldBe(["k=v"]);
        proxied!.Tags.ShouldBe(["k=w"]);
        bed.Fake.Calls("DescribeSecret").ShouldBe(1);   // the proxy read: 10-minute-old tags are too old for it
    }

    [Fact]
    public async Task SyncRead_AfterTheNextListingRound_DoesNotTrustTagsOfAnEarlierRound()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
        await using var bed = await StartAsync(time: time);
        bed.Fake.Seed("prod/a", "1", tags: new Dictionary<string, string> { ["k"] = "v" });
        bed.Fake.Seed("other/x", "2");
        await ListAll(bed.Backend, "prod/");
        await bed.Backend.ReadVersionsAsync("prod/a", Ct);
        bed.Fake.SetTags("prod/a", new Dictionary<string, string> { ["k"] = "changed" });
        time.Advance(TimeSpan.FromMinutes(10));

        // The next sync lists a prefix that no longer holds prod/a's entry, then reads prod/a (an exact mapping rule).
        await ListAll(bed.Backend, "other/");
        var read = await bed.Backend.ReadVersionsAsync("prod/a", Ct);

        read.Single().Tags.ShouldBe(["k=changed"]);
        bed.Fake.Calls("DescribeSecret").ShouldBe(1);
    }

    [Fact]
    public async Task ReadVersions_ThreeValues_OldestFirst_CurrentLast()
    {
        await using var bed = await StartAsync();
        bed.Fake.Seed("prod/rotating", "one");
        bed.Fake.PutValue("prod/rotating", "two");
        var currentId = bed.Fake.PutValue("prod/rotating", secretBinary: [9, 9]);

        var versions = await bed.Backend.ReadVersionsAsync("prod/rotating", Ct);

        versions.Count.ShouldBe(3);
        Encoding.UTF8.GetString(versions[0].Value!.Bytes).ShouldBe("one");
        Encoding.UTF8.GetString(versions[1].Value!.Bytes).ShouldBe("two");
        versions[2].Value!.SecretType.ShouldBe(SecretType.Binary);
        versions[2].RemoteVersion.ShouldBe(currentId);
        (await bed.Backend.ReadAsync("prod/rotating", Ct))!.RemoteVersion.ShouldBe(currentId);
        versions.Select(v => v.UpdatedAt).ShouldBeInOrder(SortDirection.Ascending);
    }

    [Fact]
    public async Task Write_ExistingSecret_BecomesAwsCurrent_AndThePreviousBecomesAwsPrevious()
    {
        await using var bed = await StartAsync();
        bed.Fake.Seed("prod/db", "old");
        var oldId = bed.Fake.Find("prod/db")!.Versions.Single().Id;

        var newId = await bed.Backend.WriteAsync("prod/db", Text("""{"password":"new"}"""), Ct);

        var secret = bed.Fake.Find("prod/db")!;
        secret.Versions.Single(v => v.Id == newId).Stages.ShouldBe(["AWSCURRENT"]);
        secret.Versions.Single(v => v.Id == oldId).Stages.ShouldBe(["AWSPREVIOUS"]);
        var read = await bed.Backend.ReadAsync("prod/db", Ct);
        read!.RemoteVersion.ShouldBe(newId);
        read.Value!.SecretType.ShouldBe(SecretType.Json);
        bed.Fake.Calls("PutSecretValue").ShouldBe(1);
    }

    [Fact]
    public async Task Write_NewName_CreatesTheSecret_AndBinaryTravelsAsSecretBinary()
    {
        await using var bed = await StartAsync();

        var id = await bed.Backend.WriteAsync("prod/new/cert", new RemoteSecretValue(SecretType.Binary, [1, 2, 3]), Ct);

        var created = bed.Fake.Find("prod/new/cert")!;
        created.Versions.Single().Id.ShouldBe(id);
        created.Versions.Single().Binary.ShouldBe([1, 2, 3]);
        created.Versions.Single().Stages.ShouldBe(["AWSCURRENT"]);
        bed.Fake.Calls("CreateSecret").ShouldBe(1);
    }

    [Fact]
    public async Task ReadMany_FortyFiveNames_UsesOneBatchCallPerTwenty_AndMissingNamesAreNull()
    {
        await using var bed = await StartAsync();
        var names = Enumerable.Range(0, 44).Select(i => $"prod/s{i:D2}").ToList();
        foreach (var name in names) bed.Fake.Seed(name, "value of " + name);
        await ListAll(bed.Backend, "prod/");
        bed.Fake.ResetCalls();

        var result = await bed.Backend.ReadManyAsync([.. names, "prod/missing"], Ct);

        bed.Fake.Calls("BatchGetSecretValue").ShouldBe(3);
        bed.Fake.TotalCalls.ShouldBe(3);
        result.Failed.ShouldBeEmpty();
        result.Found.Count.ShouldBe(45);
        result.Found["prod/missing"].ShouldBeNull();
        Encoding.UTF8.GetString(result.Found["prod/s07"]!.Value!.Bytes).ShouldBe("value of prod/s07");
    }

    [Fact]
    public async Task ReadMany_BatchNotAllowedByIam_FallsBackToOneReadPerSecret()
    {
        await using var bed = await StartAsync();
        bed.Fake.Seed("prod/a", "1");
        bed.Fake.Seed("prod/b", "2");
        bed.Fake.DeniedOperations["BatchGetSecretValue"] = true;

        var result = await bed.Backend.ReadManyAsync(["prod/a", "prod/b"], Ct);

        result.Found.Keys.Order().ShouldBe(["prod/a", "prod/b"]);
        bed.Fake.Calls("GetSecretValue").ShouldBe(2);
    }

    [Fact]
    public async Task MinimalPolicy_GetSecretValueAndListSecretsOnly_StillReads_WithoutTagsOrHistory()
    {
        await using var bed = await StartAsync();
        bed.Fake.Seed("prod/a", "1", tags: new Dictionary<string, string> { ["k"] = "v" });
        bed.Fake.PutValue("prod/a", "2");
        foreach (var op in new[] { "DescribeSecret", "ListSecretVersionIds", "BatchGetSecretValue", "PutSecretValue", "CreateSecret" })
            bed.Fake.DeniedOperations[op] = true;

        var read = await bed.Backend.ReadAsync("prod/a", Ct);
        var versions = await bed.Backend.ReadVersionsAsync("prod/a", Ct);
        var many = await bed.Backend.ReadManyAsync(["prod/a"], Ct);
        var write = await Should.ThrowAsync<FederationBackendException>(() => bed.Backend.WriteAsync("prod/a", Text("3"), Ct));

        Encoding.UTF8.GetString(read!.Value!.Bytes).ShouldBe("2");
        read.Tags.ShouldBeEmpty();
        versions.Single().RemoteVersion.ShouldBe(read.RemoteVersion);
        many.Found["prod/a"]!.RemoteVersion.ShouldBe(read.RemoteVersion);
        write.Failure.ShouldBe(BackendFailure.AccessDenied);
        write.Message.ShouldContain("secretsmanager:PutSecretValue");
    }

    [Fact]
    public async Task ReadMany_OneSecretDenied_IsReportedAlone()
    {
        await using var bed = await StartAsync();
        bed.Fake.Seed("prod/a", "1");

        var result = await bed.Backend.ReadManyAsync(["prod/a"], Ct);
        bed.Fake.DeniedOperations["GetSecretValue"] = true;
        var single = await Should.ThrowAsync<FederationBackendException>(() => bed.Backend.ReadAsync("prod/a", Ct));

        result.Found["prod/a"].ShouldNotBeNull();
        single.Failure.ShouldBe(BackendFailure.AccessDenied);
        single.Message.ShouldContain("secretsmanager:GetSecretValue");
    }

    /// <summary>
    /// Names ASM accepts, as the engine will see them. The first group is also a valid ScaiVault path; the
    /// second is legal in ASM but refused by ScaiVault's path grammar, so the engine must skip and report it.
    /// </summary>
    [Fact]
    public async Task OddNames_ListAndReadVerbatim_AndTheEngineCanTellWhichScaiVaultRefuses()
    {
        await using var bed = await StartAsync();
        string[] representable = ["prod/a+b=c.d@e-f_g", "prod/UPPER/lower/0123", "prod/x.y..z", "prod/@/=/+"];
        string[] refused = ["prod//double", "prod/trailing/", "prod/./dot", "prod/../up", "prod/" + new string('x', 129)];
        foreach (var name in representable.Concat(refused)) bed.Fake.Seed(name, "v:" + name);
        bed.Fake.Seed("/prod-leading", "v");

        var listed = (await ListAll(bed.Backend, "prod/")).Select(r => r.Name).ToList();

        listed.Order(StringComparer.Ordinal).ShouldBe(representable.Concat(refused).Order(StringComparer.Ordinal));
        foreach (var name in listed)
            Encoding.UTF8.GetString((await bed.Backend.ReadAsync(name, Ct))!.Value!.Bytes).ShouldBe("v:" + name);
        representable.Where(n => !SecretPath.TryValidate(n, out _)).ShouldBeEmpty();
        refused.Where(n => SecretPath.TryValidate(n, out _)).ShouldBeEmpty();
        (await ListAll(bed.Backend, "/")).Single().Name.ShouldBe("/prod-leading");
        SecretPath.TryValidate("/prod-leading", out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("prod/ünïcödé")]
    [InlineData("prod/with space")]
    [InlineData("prod/semi;colon")]
    [InlineData("prod/密钥")]
    public async Task Write_NameAsmRejects_FailsAsBadResponse_WithoutCreatingAnything(string name)
    {
        await using var bed = await StartAsync();

        var e = await Should.ThrowAsync<FederationBackendException>(() => bed.Backend.WriteAsync(name, Text("v"), Ct));

        e.Failure.ShouldBe(BackendFailure.BadResponse);
        e.Message.ShouldContain("InvalidParameterException");
        bed.Fake.Find(name).ShouldBeNull();
    }

    [Fact]
    public async Task Check_OneCheapCall()
    {
        await using var bed = await StartAsync();

        var took = await bed.Backend.CheckAsync(Ct);

        took.ShouldBeGreaterThan(TimeSpan.Zero);
        bed.Fake.Calls("ListSecrets").ShouldBe(1);
        bed.Backend.OutboundCalls.ShouldBe(1);
    }

    [Fact]
    public async Task Seed_FiveThousandSecrets_ListsInFiftyCalls()
    {
        await using var bed = await StartAsync();
        for (var i = 0; i < 5000; i++) bed.Fake.Seed($"prod/bench/s{i:D5}", "v");

        var listed = await ListAll(bed.Backend, "prod/");

        listed.Count.ShouldBe(5000);
        bed.Fake.Calls("ListSecrets").ShouldBe(50);
    }
}
