using System.Text;
using ScaiVault.Domain.Secrets;
using ScaiVault.Fakes.Gcp;

namespace ScaiVault.Federation.Tests.Gcp;

public sealed class GcpSecretManagerAuthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServiceAccount_SignedAssertionIsExchangedOnceAndTheTokenReused()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("db", "v");
        var backend = bed.Backend();

        for (var i = 0; i < 3; i++) (await backend.ReadAsync("db", Ct)).ShouldNotBeNull();

        bed.Fake.LastTokenRefusal.ShouldBeNull();
        bed.Fake.TokenRequests.ShouldBe(1);          // the fake verified signature, aud, scope and exp
        bed.Fake.UnauthenticatedCalls.ShouldBe(0);
        bed.Credentials.Reads.ShouldBe(1);
        backend.OutboundCalls.ShouldBe(3 * 2 + 1);
    }

    [Fact]
    public async Task ServiceAccount_TokenExpires_ASecondTokenIsFetchedBeforeUse()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("db", "v");
        var backend = bed.Backend();
        await backend.ReadAsync("db", Ct);

        bed.Time.Advance(TimeSpan.FromSeconds(bed.Fake.TokenLifetimeSeconds));   // the adapter's clock: the token is now expired
        await backend.ReadAsync("db", Ct);

        bed.Fake.TokenRequests.ShouldBe(2);
        bed.Fake.IssuedTokens.Count.ShouldBe(2);
        bed.Fake.UnauthenticatedCalls.ShouldBe(0);   // refreshed before use, not after a 401
    }

    [Fact]
    public async Task ServiceAccount_TokenRevoked_OneRefreshAfterThe401ThenSuccess()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("db", "v");
        var backend = bed.Backend();
        await backend.ReadAsync("db", Ct);

        bed.Fake.RevokeIssuedTokens();
        var secret = await backend.ReadAsync("db", Ct);

        secret.ShouldNotBeNull();
        bed.Fake.UnauthenticatedCalls.ShouldBe(1);
        bed.Fake.TokenRequests.ShouldBe(2);
    }

    [Fact]
    public async Task ServiceAccount_KeyTheTokenEndpointDoesNotKnow_IsAccessDeniedWithoutSecretMaterial()
    {
        await using var bed = await GcpTestBed.StartAsync();
        var stranger = FakeGcpServiceAccountKey.Create("stranger@elsewhere.iam.gserviceaccount.com", bed.Fake.TokenUri);
        bed.Credentials.Values[GcpTestBed.CredentialsPath] = new RemoteSecretValue(SecretType.Json, stranger.JsonBytes);
        var backend = bed.Backend();

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("db", Ct));

        e.Failure.ShouldBe(BackendFailure.AccessDenied);
        e.Message.ShouldContain("invalid_grant");
        e.Message.ShouldNotContain("PRIVATE KEY");
        bed.Fake.ApiCalls.ShouldBe(0);
        bed.Fake.TokenRequests.ShouldBe(1);          // a refused grant is not retried

        // The key is read again on the next call: fixing it in ScaiVault is enough.
        bed.Credentials.Values[GcpTestBed.CredentialsPath] = new RemoteSecretValue(SecretType.Json, bed.Key.JsonBytes);
        (await backend.ReadAsync("db", Ct)).ShouldBeNull();
        bed.Credentials.Reads.ShouldBe(2);
    }

    [Theory]
    [InlineData("""not json at all {""", "not JSON")]
    [InlineData("""{"type":"authorized_user","client_id":"x"}""", "\"type\"")]
    [InlineData("""{"type":"service_account","client_email":"a@b.c"}""", "private_key is missing")]
    [InlineData("""{"type":"service_account","client_email":"a@b.c","private_key":"-----BEGIN PRIVATE KEY-----\nQUJD\n-----END PRIVATE KEY-----\n"}""", "private_key")]
    [InlineData("""{"type":"service_account","client_email":"a@b.c","private_key":"k","token_uri":"http://oauth.example.com/token"}""", "token_uri")]
    [InlineData("""{"type":"service_account","client_email":"a@b.c","private_key":"k","universe_domain":"example.com"}""", "universe_domain")]
    public async Task ServiceAccount_UnusableKey_IsCredentialsUnusableAndQuotesNothingOfIt(string stored, string reason)
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Credentials.Values[GcpTestBed.CredentialsPath] = new RemoteSecretValue(SecretType.String, Encoding.UTF8.GetBytes(stored));
        var backend = bed.Backend();

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("db", Ct));

        e.Failure.ShouldBe(BackendFailure.CredentialsUnusable);
        e.Message.ShouldContain(GcpTestBed.CredentialsPath);
        e.Message.ShouldContain(reason);
        e.Message.ShouldNotContain("QUJD");
        e.Message.ShouldNotContain("not json at all");
        e.InnerException.ShouldBeNull();
        backend.OutboundCalls.ShouldBe(0);
    }

    [Fact]
    public async Task ServiceAccount_CredentialSecretMissing_IsCredentialsUnusable()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Credentials.Values.Clear();

        var e = await Should.ThrowAsync<FederationBackendException>(() => bed.Backend().ReadAsync("db", Ct));

        e.Failure.ShouldBe(BackendFailure.CredentialsUnusable);
        e.Message.ShouldContain("could not be read");
    }

    [Fact]
    public async Task WorkloadIdentity_TokenComesFromTheMetadataServer()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("db", "from-metadata");
        var backend = bed.Backend(("credentials_path", null), ("auth_method", "workload_identity"), ("metadata_host", bed.Fake.MetadataHost));

        var secret = await backend.ReadAsync("db", Ct);

        Encoding.UTF8.GetString(secret!.Value!.Bytes).ShouldBe("from-metadata");
        bed.Fake.MetadataTokenRequests.ShouldBe(1);   // the fake answers only with Metadata-Flavor: Google
        bed.Fake.TokenRequests.ShouldBe(0);
        bed.Credentials.Reads.ShouldBe(0);
        backend.OutboundCalls.ShouldBe(2 + 1);
    }

    [Fact]
    public async Task WorkloadIdentity_TokenExpires_TheMetadataServerIsAskedAgain()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("db", "v");
        var backend = bed.Backend(("credentials_path", null), ("auth_method", "workload_identity"), ("metadata_host", bed.Fake.MetadataHost));
        await backend.ReadAsync("db", Ct);

        bed.Time.Advance(TimeSpan.FromHours(1));
        await backend.ReadAsync("db", Ct);

        bed.Fake.MetadataTokenRequests.ShouldBe(2);
        bed.Fake.UnauthenticatedCalls.ShouldBe(0);
    }

    [Fact]
    public async Task PermissionDenied_IsAccessDenied()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("db", "v");
        bed.Fake.DenyPermission = true;
        var backend = bed.Backend();

        var e = await Should.ThrowAsync<FederationBackendException>(() => backend.ReadAsync("db", Ct));

        e.Failure.ShouldBe(BackendFailure.AccessDenied);
        e.Message.ShouldContain("PERMISSION_DENIED");
        bed.Fake.ApiCalls.ShouldBe(1);   // IAM denials are not retried
    }

    [Fact]
    public async Task ProjectNumberInConfig_WorksLikeTheProjectId()
    {
        await using var bed = await GcpTestBed.StartAsync();
        bed.Fake.Seed("db", "v");
        var backend = bed.Backend(("project_id", FakeGcpSecretManager.ProjectNumber));

        (await backend.ReadAsync("db", Ct)).ShouldNotBeNull();
        bed.Fake.Requests[0].ShouldStartWith($"GET /v1/projects/{FakeGcpSecretManager.ProjectNumber}/secrets/db/");
    }
}
