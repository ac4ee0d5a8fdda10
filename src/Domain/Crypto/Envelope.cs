using System.Security.Cryptography;
using System.Text;

namespace ScaiVault.Domain.Crypto;

/// <summary>
/// Envelope encryption of one secret version. The associated data binds a ciphertext to its tenant,
/// path and version, so a ciphertext copied into another row fails authentication instead of
/// decrypting as the other secret.
/// </summary>
public static class Envelope
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;

    public static byte[] AssociatedData(string tenant, string path, int version) =>
        Encoding.UTF8.GetBytes($"scaivault/v1\0{tenant}\0{path}\0{version}");

    public static byte[] NewDataKey() => RandomNumberGenerator.GetBytes(KeySize);

    public static SealedValue Seal(byte[] dataKey, ReadOnlySpan<byte> plaintext, byte[] associatedData)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagSize];
        using var aes = new AesGcm(dataKey, TagSize);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
        return new SealedValue(nonce, ciphertext, tag);
    }

    public static byte[] Open(byte[] dataKey, SealedValue sealedValue, byte[] associatedData)
    {
        var plaintext = new byte[sealedValue.Ciphertext.Length];
        try
        {
            using var aes = new AesGcm(dataKey, TagSize);
            aes.Decrypt(sealedValue.Nonce, sealedValue.Ciphertext, sealedValue.Tag, plaintext, associatedData);
            return plaintext;
        }
        catch (Exception e) when (e is AuthenticationTagMismatchException or ArgumentException or CryptographicException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new SecretIntegrityException("The stored ciphertext failed authentication.");
        }
    }

    /// <summary>Key wrapping for providers that hold a symmetric root key: nonce | tag | ciphertext.</summary>
    public static byte[] WrapWith(byte[] rootKey, byte[] dataKey, byte[] associatedData)
    {
        var sealedKey = Seal(rootKey, dataKey, associatedData);
        return [.. sealedKey.Nonce, .. sealedKey.Tag, .. sealedKey.Ciphertext];
    }

    public static byte[] UnwrapWith(byte[] rootKey, byte[] wrapped, byte[] associatedData)
    {
        if (wrapped.Length != NonceSize + TagSize + KeySize)
            throw new SecretIntegrityException("The wrapped data key has the wrong length.");
        var sealedKey = new SealedValue(wrapped[..NonceSize], wrapped[(NonceSize + TagSize)..], wrapped[NonceSize..(NonceSize + TagSize)]);
        return Open(rootKey, sealedKey, associatedData);
    }
}
