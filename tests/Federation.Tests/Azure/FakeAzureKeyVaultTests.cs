using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using ScaiVault.Fakes.Azure;

namespace ScaiVault.Federation.Tests.Azure;

/// <summary>The fake against the SDK directly, for the operations the adapter does not use (update, delete).</summary>
public sealed class FakeAzureKeyVaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_real_SecretClient_updates_and_deletes_on_the_fake_with_challenge_and_client_secret()
    {
        await using var fake = await FakeAzureKeyVault.StartAsync();
        fake.RegisterClientSecret("app", "app-secret");
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            // Trust exactly the fake's CA (what config.ca_cert does in the adapter).
            if (certificate is null) return false;
            using var custom = new System.Security.Cryptography.X509Certificates.X509Chain();
            custom.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.Add(fake.Tls.Ca);
            custom.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            return custom.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate));
        };
        var transport = new HttpClientTransport(handler);
        var credential = new ClientSecretCredential(fake.TenantId, "app", "app-secret",
            new ClientSecretCredentialOptions { AuthorityHost = fake.BaseAddress, DisableInstanceDiscovery = true, Transport = transport });
        var client = new SecretClient(fake.BaseAddress, credential,
            new SecretClientOptions { Transport = transport, DisableChallengeResourceVerification = true });

        var set = (await client.SetSecretAsync("Mixed-Case", "v1", Ct)).Value;
        set.Properties.Enabled = false;
        set.Properties.Tags["team"] = "ops";
        var updated = (await client.UpdateSecretPropertiesAsync(set.Properties, Ct)).Value;
        var readDisabled = await Should.ThrowAsync<RequestFailedException>(() => client.GetSecretAsync("mixed-case", cancellationToken: Ct));
        var deleted = await client.StartDeleteSecretAsync("mixed-case", Ct);

        updated.Enabled.ShouldBe(false);
        updated.Tags["team"].ShouldBe("ops");
        readDisabled.Status.ShouldBe(403);
        deleted.Value.Name.ShouldBe("Mixed-Case");
        var gone = await Should.ThrowAsync<RequestFailedException>(() => client.GetSecretAsync("Mixed-Case", cancellationToken: Ct));
        gone.ErrorCode.ShouldBe("SecretNotFound");
        fake.Unmatched.ShouldBeEmpty();
    }
}
