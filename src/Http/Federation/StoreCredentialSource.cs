using ScaiVault.Federation;
using ScaiVault.Http.Auth;
using ScaiVault.Http.Secrets;

namespace ScaiVault.Http.Federation;

/// <summary>
/// Backend credentials are ScaiVault secrets in the backend's own tenant (auth_config_path, credentials_path),
/// read through the same store, envelope decryption and version checks as any read. The value stays in
/// memory; failures name the path, never the content.
/// </summary>
public sealed class StoreCredentialSource(SecretStore secrets, string tenant, string backendId) : ICredentialSource
{
    public async Task<RemoteSecretValue> ReadAsync(string path, CancellationToken ct)
    {
        var caller = new Caller($"federation:{backendId}", tenant, IsRoot: true, [], []);
        var (opened, error) = await secrets.ReadAsync(caller, path, null, ct);
        if (error is not null)
            throw new FederationBackendException(BackendFailure.CredentialsUnusable,
                $"The credential secret '{path}' cannot be read in this tenant ({error.Code}).");
        return new RemoteSecretValue(opened!.SecretType, opened.Plaintext);
    }
}
