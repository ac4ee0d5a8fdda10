using ScaiVault.Domain.Crypto;

namespace ScaiVault.Domain.Secrets;

/// <summary>
/// The wrapped data keys of one secret, by version. Deliberately a mutable document, not an event:
/// root-key rotation re-wraps keys in place, and removing a key is what destroys a version
/// (crypto-shredding) while its event stays in the log.
/// </summary>
public sealed class SecretKeyRing
{
    public string Id { get; set; } = "";
    public Dictionary<int, WrappedKey> Keys { get; set; } = [];
}
