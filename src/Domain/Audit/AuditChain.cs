using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ScaiVault.Domain.Audit;

/// <summary>
/// Tamper evidence: every entry's hash is SHA-256 over the previous entry's hash and a canonical
/// encoding of every other field, so editing, removing or reordering an entry breaks the chain at that
/// point. The encoding is fixed here (not the JSON the store happens to write): each field in
/// declaration order, as a presence byte plus length-prefixed UTF-8 or fixed-width big-endian numbers.
/// </summary>
public static class AuditChain
{
    /// <summary>The previous hash of a chain's first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    public static string HashOf(AuditEntryRecorded e)
    {
        using var buffer = new MemoryStream(512);
        Text(buffer, "scaivault-audit/v1");
        Text(buffer, e.PrevHash);
        Text(buffer, e.ChainId);
        Int64(buffer, e.Sequence);
        Text(buffer, e.RequestId);
        Int64(buffer, e.At.UtcTicks);
        Text(buffer, e.TenantId);
        Text(buffer, e.IdentityId);
        Text(buffer, e.ActorId);
        Text(buffer, e.HomeTenantId);
        Text(buffer, e.TokenHmac);
        Text(buffer, e.Action);
        Text(buffer, e.Method);
        Text(buffer, e.Target);
        Text(buffer, e.Path);
        Int64(buffer, e.Version);
        Text(buffer, e.Source);
        Text(buffer, e.Outcome);
        Int64(buffer, e.Status);
        Text(buffer, e.ErrorCode);
        Text(buffer, e.DurationMs.ToString("R", CultureInfo.InvariantCulture));
        Text(buffer, e.ClientAddress);
        Text(buffer, e.UserAgent);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>The entry with its chain position and hash filled in, following <paramref name="prevHash"/>.</summary>
    public static AuditEntryRecorded Seal(AuditEntryRecorded draft, string chainId, long sequence, string prevHash)
    {
        var placed = draft with { ChainId = chainId, Sequence = sequence, PrevHash = prevHash, Hash = "" };
        return placed with { Hash = HashOf(placed) };
    }

    /// <summary>
    /// Checks the next entry of a chain against the one before it (null for the first): sequence, link and
    /// own hash. Returns what is wrong, or null.
    /// </summary>
    public static string? Check(AuditEntryRecorded? previous, AuditEntryRecorded entry)
    {
        var expectedSequence = previous is null ? 1 : previous.Sequence + 1;
        if (entry.Sequence != expectedSequence)
            return $"sequence {entry.Sequence} where {expectedSequence} was expected (an entry is missing or out of order)";
        var expectedPrev = previous?.Hash ?? Genesis;
        if (entry.PrevHash != expectedPrev)
            return $"prev_hash {entry.PrevHash} does not match the hash {expectedPrev} of the entry before it";
        var actual = HashOf(entry);
        if (entry.Hash != actual)
            return $"stored hash {entry.Hash} does not match the entry's content (recomputed {actual}): the entry was edited";
        return null;
    }

    private static void Text(Stream s, string? value)
    {
        if (value is null)
        {
            s.WriteByte(0);
            return;
        }
        s.WriteByte(1);
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        s.Write(length);
        s.Write(bytes);
    }

    private static void Int64(Stream s, long? value)
    {
        if (value is null)
        {
            s.WriteByte(0);
            return;
        }
        s.WriteByte(1);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value.Value);
        s.Write(bytes);
    }
}
