using ScaiVault.Domain.Crypto;

namespace ScaiVault.Domain.Secrets;

/// <summary>
/// The wrapped data key of a secret's current version (by version number). Deliberately a mutable
/// document, not an event: root-key rotation re-wraps keys in place, and removing a key is what
/// destroys a version (crypto-shredding) while its event stays in the log. When a newer version is
/// written the older key moves to its own <see cref="SecretVersionKey"/>, so the document a read of the
/// current version loads stays the same size however many versions a secret keeps.
/// </summary>
public sealed class SecretKeyRing
{
    public string Id { get; set; } = "";
    public Dictionary<int, WrappedKey> Keys { get; set; } = [];
}

/// <summary>The wrapped data key of one older version; deleting it destroys that version.</summary>
public sealed class SecretVersionKey
{
    public string Id { get; set; } = "";
    public WrappedKey Key { get; set; } = null!;

    /// <summary>'#' cannot appear in a path, so path and version never run into another pair.</summary>
    public static string IdFor(string path, int version) => $"{path}#{version}";
}
