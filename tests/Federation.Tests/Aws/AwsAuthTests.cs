using Microsoft.Extensions.Time.Testing;
using ScaiVault.Fakes.Aws;
using static ScaiVault.Federation.Tests.Aws.AsmTestBed;

namespace ScaiVault.Federation.Tests.Aws;

public sealed class AwsAuthTests
{
    [Fact]
    public async Task StaticKeys_FromTheCredentialSecret_AreReadOnce_AndSignEveryCall()
    {
        await using var bed = await StartAsync();
        bed.Fake.Seed("prod/a", "1");

        await bed.Backend.ReadAsync("prod/a", Ct);
        await bed.Backend.ReadAsync("prod/a", Ct);

        bed.Stored.Reads.ShouldBe(1);
        bed.Fake.Calls("GetSecretValue").ShouldBe(2);
    }

    [Fact]
    public async Task WrongSecretKey_IsAccessDenied_AndTheMessageHoldsNoKeyMaterial()
    {
        await using var bed = await StartAsync();
        const string wrongSecret = "definitely-not-the-right-secret-key-0000";
        bed.Stored.Put(KeysPath, $$"""{"access_key_id":"{{FakeSecretsManager.AccessKeyId}}","secret_access_key":"{{wrongSecret}}"}""");
        bed.Fake.Seed("prod/a", "top-secret-value");

        var e = await Should.ThrowAsync<FederationBackendException>(() => bed.Backend.ReadAsync("prod/a", Ct));

        e.Failure.ShouldBe(BackendFailure.AccessDenied);
        e.Message.ShouldContain("InvalidSignatureException");
        AllMessages(e).ShouldNotContain(wrongSecret);
        AllMessages(e).ShouldNotContain("top-secret-value");
        bed.Stored.Reads.ShouldBe(2);   // re-read once in case the keys were rotated, then gave up
    }

    [Fact]
    public async Task UnknownAccessKey_IsAccessDenied()
    {
        await using var bed = await StartAsync();
        bed.Stored.Put(KeysPath, """{"access_key_id":"AKIAUNKNOWN000000000","secret_access_key":"x"}""");

        var e = await Should.ThrowAsync<FederationBackendException>(() => bed.Backend.CheckAsync(Ct));

        e.Failure.ShouldBe(BackendFailure.AccessDenied);
        e.Message.ShouldContain("UnrecognizedClientException");
    }

    [Theory]
    [InlineData("""{"access_key_id":"AKIA"}""", "secret_access_key")]
    [InlineData("""{"secret_access_key":"s"}""", "access_key_id")]
    [InlineData("""not json""", "not JSON")]
    [InlineData("""["a"]""", "not a JSON object")]
    public async Task CredentialSecret_InTheWrongShape_IsCredentialsUnusable_NamingWhatIsWrong(string stored, string expected)
    {
        await using var bed = await StartAsync();
        bed.Stored.Put(KeysPath, stored);

        var e = await Should.ThrowAsync<FederationBackendException>(() => bed.Backend.CheckAsync(Ct));

        e.Failure.ShouldBe(BackendFailure.CredentialsUnusable);
        e.Message.ShouldContain(KeysPath);
        e.Message.ShouldContain(expected);
        bed.Fake.TotalCalls.ShouldBe(0);
    }

    [Fact]
    public async Task CredentialSecret_Missing_IsCredentialsUnusable()
    {
        await using var bed = await StartAsync();
        var backend = bed.Create(c => c["credentials_path"] = "infra/aws/nothing-here");

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.CheckAsync(Ct));

        e.Failure.ShouldBe(BackendFailure.CredentialsUnusable);
        e.Message.ShouldContain("infra/aws/nothing-here");
        backend.Dispose();
    }

    [Fact]
    public async Task AssumeRole_SessionCredentials_AreReused_ThenRenewedBeforeExpiry()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        await using var bed = await StartAsync(c => c["role_arn"] = RoleArn, time);
        bed.Fake.AllowRole(RoleArn, TimeSpan.FromHours(1));
        bed.Fake.Seed("prod/a", "1");

        await bed.Backend.ReadAsync("prod/a", Ct);
        time.Advance(TimeSpan.FromMinutes(50));
        await bed.Backend.ReadAsync("prod/a", Ct);
        bed.Fake.AssumeRoleCalls.ShouldBe(1);

        time.Advance(TimeSpan.FromMinutes(6));   // 56 min: inside the 5-minute refresh margin
        await bed.Backend.ReadAsync("prod/a", Ct);

        bed.Fake.AssumeRoleCalls.ShouldBe(2);
        bed.Fake.IssuedSessionKeys.Count.ShouldBe(2);
        bed.Fake.Calls("GetSecretValue").ShouldBe(3);
        bed.Backend.OutboundCalls.ShouldBe(bed.Fake.TotalCalls);   // STS calls are counted too
    }

    [Fact]
    public async Task AssumeRole_TokenExpiredEarlierThanExpected_IsRenewedOnce_AndTheReadSucceeds()
    {
        // The adapter's clock runs 10 minutes behind AWS: it still trusts a token AWS already calls expired.
        var fakeTime = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 10, 0, TimeSpan.Zero));
        var adapterTime = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        await using var bed = await StartAsync(c => c["role_arn"] = RoleArn, adapterTime, fakeTime);
        bed.Fake.AllowRole(RoleArn, TimeSpan.FromHours(1));
        bed.Fake.Seed("prod/a", "1");
        await bed.Backend.ReadAsync("prod/a", Ct);

        fakeTime.Advance(TimeSpan.FromMinutes(61));     // AWS: 09:11, past the 09:10 expiry
        adapterTime.Advance(TimeSpan.FromMinutes(61));  // adapter: 09:01, outside its 5-minute refresh margin
        var read = await bed.Backend.ReadAsync("prod/a", Ct);

        read.ShouldNotBeNull();
        bed.Fake.AssumeRoleCalls.ShouldBe(2);
        bed.Fake.Calls("GetSecretValue").ShouldBe(3);   // first read, the expired attempt, the retry
    }

    [Fact]
    public async Task AssumeRole_RoleNotAssumable_IsAccessDenied_NamingTheRole()
    {
        await using var bed = await StartAsync(c => c["role_arn"] = RoleArn);

        var e = await Should.ThrowAsync<FederationBackendException>(() => bed.Backend.CheckAsync(Ct));

        e.Failure.ShouldBe(BackendFailure.AccessDenied);
        e.Message.ShouldContain(RoleArn);
        e.Message.ShouldContain("AccessDenied");
        bed.Fake.Calls("ListSecrets").ShouldBe(0);
    }

    [Fact]
    public async Task AssumeRole_SessionCredentials_NeverAppearInMessages()
    {
        await using var bed = await StartAsync(c => c["role_arn"] = RoleArn);
        bed.Fake.AllowRole(RoleArn);
        bed.Fake.DeniedOperations["GetSecretValue"] = true;
        bed.Fake.Seed("prod/a", "1");

        var e = await Should.ThrowAsync<FederationBackendException>(() => bed.Backend.ReadAsync("prod/a", Ct));

        e.Failure.ShouldBe(BackendFailure.AccessDenied);
        var issued = bed.Fake.IssuedSessionKeys.Single();
        AllMessages(e).ShouldNotContain(issued);
        AllMessages(e).ShouldNotContain(FakeSecretsManager.SecretAccessKey);
    }

    [Fact]
    public async Task NoCredentialsConfigured_UsesTheAwsDefaultChain()
    {
        // The chain's first sources are the environment variables; IMDS is switched off so nothing leaves loopback.
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", FakeSecretsManager.AccessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", FakeSecretsManager.SecretAccessKey);
        try
        {
            await using var bed = await StartAsync();
            using var backend = bed.Create(c => c.Remove("credentials_path"));

            await backend.CheckAsync(Ct);

            bed.Fake.Calls("ListSecrets").ShouldBe(1);
            bed.Stored.Reads.ShouldBe(0);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", null);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", null);
        }
    }

    private static string AllMessages(Exception e) => e.ToString();
}
