using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ScaiVault.Federation.Azure;

/// <summary>
/// The HTTP pieces shared by the Key Vault client and the token credential of one backend: one connection
/// pool, server certificates checked against the system store or, when <c>config.ca_cert</c> is given,
/// additionally against that CA (private CAs, test fakes); validation is never switched off.
/// </summary>
internal static class AzureTransport
{
    public static HttpPipelineTransport Create(AzureKeyVaultConfig config)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = config.NetworkTimeout,
        };
        if (config.TrustedCa is { } ca)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedBy(ca, certificate, errors);
        return new HttpClientTransport(handler);
    }

    private static bool TrustedBy(X509Certificate2Collection ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        // A wrong host name or a missing certificate stays fatal; only the chain may end at the configured CA.
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    /// <summary>Counts every request that leaves the process, retries included (added per retry).</summary>
    internal sealed class CallCounter : HttpPipelineSynchronousPolicy
    {
        private long _calls;

        public long Calls => Interlocked.Read(ref _calls);

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _calls);
    }
}
