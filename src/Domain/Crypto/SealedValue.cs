namespace ScaiVault.Domain.Crypto;

/// <summary>
/// One secret version encrypted with AES-256-GCM under its own data key. This is all an event holds
/// of a value: without the wrapped data key (kept in a mutable document) it is noise.
/// </summary>
public sealed record SealedValue(byte[] Nonce, byte[] Ciphertext, byte[] Tag);

/// <summary>A data key wrapped by the root key, and which root key did it (so rotation can find it).</summary>
public sealed record WrappedKey(string RootKeyId, byte[] Wrapped);
