namespace TextureBias.Imaging;

/// <summary>
/// The colour PIL gives the transparent pixels of a GIF's first frame: <c>convert("RGB")</c>
/// of a palette image shows the palette entry of the transparent index, where Skia leaves
/// transparent pixels black. Reads the palettes and the Graphic Control Extension up to the first
/// image descriptor.
/// </summary>
internal static class GifPalette
{
    /// <summary>The RGB colour of the first frame's transparent index, or null when it has none.</summary>
    public static (byte R, byte G, byte B)? TransparentColour(byte[] d)
    {
        if (d.Length < 13) return null;
        int pos = 13;
        byte[]? globalTable = null;
        int flags = d[10];
        if ((flags & 0x80) != 0)
        {
            int size = 3 << ((flags & 7) + 1);
            if (pos + size > d.Length) return null;
            globalTable = d[pos..(pos + size)];
            pos += size;
        }
        int? transparent = null;
        while (pos < d.Length)
        {
            byte block = d[pos];
            if (block == 0x21 && pos + 1 < d.Length) // extension
            {
                byte label = d[pos + 1];
                pos += 2;
                if (label == 0xF9 && pos + 5 < d.Length && d[pos] >= 4 && (d[pos + 1] & 1) != 0)
                    transparent = d[pos + 4];
                while (pos < d.Length && d[pos] != 0) pos += d[pos] + 1; // sub-blocks
                pos++;
            }
            else if (block == 0x2C) // image descriptor of the first frame
            {
                if (transparent is null || pos + 10 > d.Length) return null;
                int local = d[pos + 9];
                var table = globalTable;
                if ((local & 0x80) != 0)
                {
                    int size = 3 << ((local & 7) + 1);
                    if (pos + 10 + size > d.Length) return null;
                    table = d[(pos + 10)..(pos + 10 + size)];
                }
                int i = transparent.Value * 3;
                if (table is null || i + 2 >= table.Length) return (0, 0, 0);
                return (table[i], table[i + 1], table[i + 2]);
            }
            else return null;
        }
        return null;
    }
}
