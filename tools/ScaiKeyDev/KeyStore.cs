using System.Security.Cryptography;

namespace ScaiKeyDev;

public sealed record InitResult(string Dir, bool Created, string KeyId)
{
    public string PrivateKeyPath => KeyStore.PrivateKeyPath(Dir);
    public string JwksPath => KeyStore.JwksPath(Dir);
}

/// <summary>
/// The key pair on disk: <c>signing-key.pem</c> (PKCS#8, owner-only) and <c>jwks.json</c>, its public
/// half, which is what ScaiVault reads through SCAIVAULT_JWKS_URL.
/// </summary>
public static class KeyStore
{
    public const string PrivateKeyFile = "signing-key.pem";
    public const string JwksFile = "jwks.json";
    public const int KeySizeBits = 2048;

    public static string PrivateKeyPath(string dir) => Path.Combine(Path.GetFullPath(dir), PrivateKeyFile);
    public static string JwksPath(string dir) => Path.Combine(Path.GetFullPath(dir), JwksFile);

    /// <summary>
    /// Keeps an existing key unless <paramref name="force"/>: tokens already handed out stay valid, and a
    /// running ScaiVault keeps trusting them.
    /// </summary>
    public static InitResult Init(string dir, bool force)
    {
        dir = Path.GetFullPath(dir);
        Directory.CreateDirectory(dir);
        var created = force || !File.Exists(PrivateKeyPath(dir));
        if (created)
        {
            using var fresh = DevSigningKey.Generate();
            WriteOwnerOnly(PrivateKeyPath(dir), fresh.Rsa.ExportPkcs8PrivateKeyPem() + "\n");
        }
        using var key = Load(dir);
        // Written even when the key is kept, so a deleted or hand-edited jwks.json matches the key again.
        File.WriteAllText(JwksPath(dir), key.ToJwks());
        return new InitResult(dir, created, key.KeyId);
    }

    public static DevSigningKey Load(string dir)
    {
        var path = PrivateKeyPath(dir);
        if (!File.Exists(path)) throw new UserError($"No signing key at {path}. Run `init` first (or pass the --dir you used for it).");
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(path));
            // A public key would import fine and only fail at signing time, with a less helpful message.
            rsa.ExportParameters(includePrivateParameters: true);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new UserError($"{path} does not hold an RSA private key ({e.Message}). `init --force` replaces it.");
        }
        return DevSigningKey.FromRsa(rsa);
    }

    public static string ReadJwks(string dir)
    {
        var path = JwksPath(dir);
        if (!File.Exists(path)) throw new UserError($"No JWKS at {path}. Run `init` first (or pass the --dir you used for it).");
        return File.ReadAllText(path);
    }

    /// <summary>
    /// Created with mode 0600 rather than chmod-ed afterwards, so the private key is never readable by
    /// others, not even for a moment; the rename replaces an old key in one step.
    /// </summary>
    private static void WriteOwnerOnly(string path, string text)
    {
        var temp = path + ".tmp";
        File.Delete(temp);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(temp, options)) writer.Write(text);
        File.Move(temp, path, overwrite: true);
    }
}
