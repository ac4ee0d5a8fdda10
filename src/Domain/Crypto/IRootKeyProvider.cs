namespace ScaiVault.Domain.Crypto;

/// <summary>
/// The root key that wraps every data key. The local key file is the embedded default; KMS, Vault
/// Transit and PKCS#11 providers implement the same two calls, so the plaintext root never has to
/// leave its keeper.
/// </summary>
public interface IRootKeyProvider
{
    string KeyId { get; }
    ValueTask<WrappedKey> WrapAsync(byte[] dataKey, byte[] associatedData, CancellationToken ct = default);
    ValueTask<byte[]> UnwrapAsync(WrappedKey wrapped, byte[] associatedData, CancellationToken ct = default);
}

/// <summary>A ciphertext or wrapped key failed authentication: it was tampered with or moved to another row.</summary>
public sealed class SecretIntegrityException(string message) : Exception(message);
