using System.Buffers.Binary;

namespace Platform.Reports.Tests;

/// <summary>Reads a PNG's size from its header, without an image library: the signature, then the IHDR chunk.</summary>
internal static class PngHeader
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool HasSignature(byte[] png) => png.AsSpan().StartsWith(Signature);

    /// <summary>Width and height from IHDR, which a valid PNG has as its first chunk, right after the signature.</summary>
    public static (int Width, int Height) Size(byte[] png)
    {
        var ihdr = png.AsSpan(Signature.Length);
        if (!ihdr[4..8].SequenceEqual("IHDR"u8))
            throw new InvalidDataException("The first chunk is not IHDR.");
        return (BinaryPrimitives.ReadInt32BigEndian(ihdr[8..12]), BinaryPrimitives.ReadInt32BigEndian(ihdr[12..16]));
    }
}
