using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ScaiVault.Federation.Vault;

/// <summary>
/// The HTTP handler of one Vault backend. Each backend has its own TLS trust (system roots, a custom CA
/// given as PEM, or no verification), which is a property of the handler; hence one handler per
/// adapter instead of a shared IHttpClientFactory client.
/// </summary>
internal static class VaultTls
{
    public static SocketsHttpHandler CreateHandler(VaultConfig config)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = config.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        if (!config.TlsVerify)
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        else if (config.CaCertificates is { } roots)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                TrustedBy(roots, certificate, chain, errors);
        return handler;
    }

    /// <summary>
    /// Accepts a certificate the system already trusts, or one whose chain ends in one of the configured
    /// CAs. A host-name mismatch is never forgiven: only the chain's trust anchor is replaced.
    /// </summary>
    private static bool TrustedBy(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
            foreach (var element in presented.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        var leaf = certificate as X509Certificate2;
        using var owned = leaf is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        return chain.Build(leaf ?? owned!);
    }
}
