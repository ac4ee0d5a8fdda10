using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ScaiVault.Http.Auth;

/// <summary>
/// Loads ScaiKey's key set from a JWKS URL (or a local file, for development) for JwtBearer's
/// ConfigurationManager, which caches it and throttles refreshes. Only asymmetric signing keys are
/// kept: a symmetric key in the set could let anyone holding the public material forge tokens
/// (the classic HS256-with-the-public-key attack).
/// </summary>
public sealed class JwksRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var json = IsFile(address, out var file)
            ? await File.ReadAllTextAsync(file, cancel)
            : await retriever.GetDocumentAsync(address, cancel);
        var keySet = new JsonWebKeySet(json);
        var configuration = new OpenIdConnectConfiguration { JwksUri = address };
        foreach (var key in keySet.GetSigningKeys())
            if (key is AsymmetricSecurityKey or JsonWebKey { Kty: "RSA" or "EC" })
                configuration.SigningKeys.Add(key);
        return configuration;
    }

    public static bool IsFile(string address, out string path)
    {
        if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.IsFile) { path = uri.LocalPath; return true; }
        path = address;
        return !address.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !address.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
    }
}
