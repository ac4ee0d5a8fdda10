using System.Security.Cryptography;
using System.Text;

namespace ScaiVault.Http.Audit;

/// <summary>
/// The per-deployment key audit entries use to refer to sensitive input (the bearer token) without
/// storing it: HMAC-SHA256, so an admin holding a leaked token can find every request made with it
/// (<c>POST /v1/audit/hash</c>) while the log alone reveals nothing. 32 random bytes in
/// <c>audit-hmac.key</c> in the data folder, created on first start with mode 0600 (as <c>root.key</c>);
/// every node of a deployment must share the file, or their hashes differ.
/// </summary>
public sealed class AuditHmacKey
{
    public const string FileName = "audit-hmac.key";
    public const string Prefix = "hmac-sha256:";
    private readonly byte[] _key;

    public AuditHmacKey(string dataDir)
    {
        var file = Path.Combine(dataDir, FileName);
        _key = File.Exists(file) ? Load(file) : Create(dataDir, file);
    }

    public string Hash(string input) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(input)));

    private static byte[] Load(string file)
    {
        var key = Convert.FromHexString(File.ReadAllText(file).Trim());
        if (key.Length != 32) throw new InvalidOperationException($"{file} does not hold a 256-bit key.");
        return key;
    }

    private static byte[] Create(string dataDir, string file)
    {
        Directory.CreateDirectory(dataDir);
        var key = RandomNumberGenerator.GetBytes(32);
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
