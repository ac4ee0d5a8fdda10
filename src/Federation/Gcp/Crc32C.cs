using System.Buffers.Binary;
using System.Numerics;

namespace ScaiVault.Federation.Gcp;

/// <summary>
/// CRC32C (Castagnoli), which GSM uses for <c>dataCrc32c</c>. System.IO.Hashing has only CRC32 and
/// CRC64, so this uses the BCL's hardware-accelerated <see cref="BitOperations.Crc32C(uint, ulong)"/>
/// (software fallback included) with the standard init/final inversion.
/// </summary>
public static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = ~0u;
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }
}
