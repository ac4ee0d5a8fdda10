using System.Security.Cryptography;
using ScaiVault.Domain.Crypto;

namespace ScaiVault.Http.Crypto;

/// <summary>
/// The embedded default root key: 32 random bytes in <c>root.key</c> in the data folder, created on
/// first start with mode 0600. Fine for development and single-node installs; production should use a
/// KMS or HSM provider so the root key never sits on the API host's disk.
/// </summary>
public sealed class LocalFileRootKeyProvider : IRootKeyProvider
{
    private readonly byte[] _key;

    public LocalFileRootKeyProvider(string dataDir)
    {
        var file = Path.Combine(dataDir, "root.key");
        _key = File.Exists(file) ? Load(file) : Create(dataDir, file);
        KeyId = "local:" + Convert.ToHexStringLower(SHA256.HashData(_key))[..16];
    }

    public string KeyId { get; }

    public ValueTask<WrappedKey> WrapAsync(byte[] dataKey, byte[] associatedData, CancellationToken ct = default) =>
        ValueTask.FromResult(new WrappedKey(KeyId, Envelope.WrapWith(_key, dataKey, associatedData)));

    public ValueTask<byte[]> UnwrapAsync(WrappedKey wrapped, byte[] associatedData, CancellationToken ct = default)
    {
        if (wrapped.RootKeyId != KeyId)
            throw new SecretIntegrityException($"The data key was wrapped by root key {wrapped.RootKeyId}, but this node holds {KeyId}.");
        return ValueTask.FromResult(Envelope.UnwrapWith(_key, wrapped.Wrapped, associatedData));
    }

    private static byte[] Load(string file)
    {
        var key = Convert.FromHexString(File.ReadAllText(file).Trim());
        if (key.Length != Envelope.KeySize) throw new InvalidOperationException($"{file} does not hold a 256-bit key.");
        return key;
    }

    private static byte[] Create(string dataDir, string file)
    {
        Directory.CreateDirectory(dataDir);
        var key = RandomNumberGenerator.GetBytes(Envelope.KeySize);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var stream = new FileStream(file, options);
            using var writer = new StreamWriter(stream);
            writer.Write(Convert.ToHexStringLower(key));
        }
        catch (IOException) when (File.Exists(file))
        {
            return Load(file); // another process on the same data folder created it first
        }
        return key;
    }
}
