using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ScaiVault.Http.Identities;

/// <summary>
/// The shared secret ScaiKey signs webhook deliveries with. A class rather than a record, so that no
/// generated ToString can ever print it.
/// </summary>
public sealed class ScaiKeyWebhookKey(string? secret)
{
    internal byte[]? Secret { get; } = secret is null ? null : Encoding.UTF8.GetBytes(secret);

    public bool Configured => Secret is not null;
}

public enum SignatureCheck
{
    Valid,
    Missing,
    Malformed,
    Mismatch,
    Expired,
}

/// <summary>
/// <c>X-ScaiKey-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "&lt;t&gt;.&lt;raw body&gt;"&gt;</c>. Several
/// <c>v1</c> values may be sent (ScaiKey rotating its secret); one must match. Other keys are ignored
/// so that ScaiKey can add schemes. The time window is checked only once the signature matched, so an
/// unsigned request never learns anything beyond "invalid".
/// </summary>
public static class ScaiKeySignature
{
    public const string Header = "X-ScaiKey-Signature";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private const int MaxHeaderLength = 1024;
    private const int MaxSignatures = 8;
    private const int MacBytes = 32;

    public static SignatureCheck Verify(string? header, ReadOnlySpan<byte> body, byte[] secret, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(header)) return SignatureCheck.Missing;
        if (!TryParse(header, out var timestamp, out var signatures)) return SignatureCheck.Malformed;

        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed.AsSpan(timestamp.Length + 1));
        var expected = HMACSHA256.HashData(secret, signed);

        var match = false;
        foreach (var signature in signatures)
            match |= CryptographicOperations.FixedTimeEquals(expected, signature);
        if (!match) return SignatureCheck.Mismatch;

        var sentAt = long.Parse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture);
        var nowSeconds = now.ToUnixTimeSeconds();
        return Math.Abs(nowSeconds - sentAt) <= (long)Tolerance.TotalSeconds ? SignatureCheck.Valid : SignatureCheck.Expired;
    }

    private static bool TryParse(string header, out string timestamp, out List<byte[]> signatures)
    {
        timestamp = "";
        signatures = [];
        if (header.Length > MaxHeaderLength) return false;
        string? t = null;
        foreach (var part in header.Split(','))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0) return false;
            var name = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            switch (name)
            {
                case "t":
                    // Whole seconds as plain ASCII digits, once; twelve digits reach far past any real clock.
                    if (t is not null || value.Length is 0 or > 12 || !value.All(char.IsAsciiDigit)) return false;
                    t = value;
                    break;
                case "v1":
                    if (value.Length != MacBytes * 2 || !value.All(char.IsAsciiHexDigit) || signatures.Count >= MaxSignatures) return false;
                    signatures.Add(Convert.FromHexString(value));
                    break;
            }
        }
        if (t is null || signatures.Count == 0) return false;
        timestamp = t;
        return true;
    }
}
