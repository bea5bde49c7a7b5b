using System.Buffers.Binary;
using SkiaSharp;

namespace TextureBias.Imaging;

/// <summary>
/// Decodes image files to 8-bit RGB the way torchvision's <c>ImageFolder</c> loader does
/// (PIL <c>Image.open(f).convert("RGB")</c>): JPEG (baseline, progressive, grayscale, CMYK),
/// PNG (8/16-bit, grey, palette, alpha), BMP, GIF (first frame) and WebP.
/// </summary>
/// <remarks>
/// As in PIL: alpha is dropped without premultiplying, colour profiles, gamma chunks and EXIF
/// orientation are ignored, and 16-bit channels keep their high byte. (PIL converts 16-bit
/// <em>greyscale</em> PNGs by clipping at 255, which turns them almost white; we keep the high
/// byte there too.) Any failure is an <see cref="ImageDecodeException"/> whose message names
/// the file and the cause in one line.
/// </remarks>
public static class ImageDecoder
{
    /// <summary>
    /// PIL's decompression-bomb limit: <c>2 × Image.MAX_IMAGE_PIXELS</c> (2 × 89,478,485), above
    /// which PIL refuses an image.
    /// </summary>
    public const long DefaultMaxPixels = 2L * 89_478_485;

    /// <summary>Files larger than this are refused before they are read (1 GiB).</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>
    /// The file endings the folder walkers treat as images (case-insensitive): torchvision's
    /// <c>IMG_EXTENSIONS</c> less the TIFF and PNM kinds this decoder cannot read, plus GIF.
    /// </summary>
    public static IReadOnlyList<string> Extensions { get; } =
        new[] { ".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif" };

    /// <summary>True when the path ends in one of <see cref="Extensions"/>.</summary>
    public static bool HasImageExtension(string path)
    {
        var ext = Path.GetExtension(path);
        foreach (var e in Extensions)
            if (string.Equals(ext, e, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>Reads and decodes the image file at <paramref name="path"/>.</summary>
    /// <exception cref="ImageDecodeException">The file is missing, empty, too large, not an image, corrupt or truncated.</exception>
    public static RgbImage Decode(string path, long maxPixels = DefaultMaxPixels)
    {
        byte[] data;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                throw new ImageDecodeException(path, Directory.Exists(path) ? "is a folder, not an image file" : "no such file");
            if (info.Length > MaxFileBytes)
                throw new ImageDecodeException(path, $"file is {info.Length:N0} bytes, more than the {MaxFileBytes:N0} an image may have");
            data = File.ReadAllBytes(path);
        }
        catch (ImageDecodeException) { throw; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, $"cannot read the file ({e.Message})", e);
        }
        return Decode(data, path, maxPixels);
    }

    /// <summary>The size in an image file's header (nothing is decoded), or null when the header is unreadable.</summary>
    public static (int Width, int Height)? ReadSize(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var codec = SKCodec.Create(stream);
            return codec is null ? null : (codec.Info.Width, codec.Info.Height);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Decodes an encoded image held in memory; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ImageDecodeException">The bytes are empty, not an image, corrupt or truncated, or the image is too large.</exception>
    public static RgbImage Decode(byte[] data, string source, long maxPixels = DefaultMaxPixels)
    {
        if (data.Length == 0) throw new ImageDecodeException(source, "empty file (0 bytes)");
        var format = LooksLikeKnownFormat(data);
        if (format is null && data.Length < 64)
            throw new ImageDecodeException(source, $"not an image (unrecognised format, {data.Length} bytes)");
        using var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream, out var createResult);
        if (codec is null)
        {
            string reason = createResult switch
            {
                _ when format is null => "not an image (unrecognised format)",
                SKCodecResult.IncompleteInput => $"truncated {format} image (the file ends inside the header)",
                _ => $"corrupt {format} image (the decoder rejects its header)",
            };
            throw new ImageDecodeException(source, reason);
        }

        int width = codec.Info.Width, height = codec.Info.Height;
        if (width <= 0 || height <= 0) throw new ImageDecodeException(source, $"invalid image size {width}x{height}");
        long pixels = (long)width * height;
        if (pixels > maxPixels)
            throw new ImageDecodeException(source,
                $"image is {width}x{height} = {pixels:N0} pixels, more than the limit of {maxPixels:N0} (possible decompression bomb)");

        if (pixels * 4 > Array.MaxLength)
            throw new ImageDecodeException(source, $"image is {width}x{height}, too large to decode in memory");
        if (codec.EncodedFormat == SKEncodedImageFormat.Jpeg && !JpegHasEndMarker(data))
            throw new ImageDecodeException(source, "truncated JPEG image (no end-of-image marker after the scan data)");

        // Skia keeps the high byte of 16-bit channels, as PIL does, and ignores colour profiles
        // because the target has no colour space.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[checked(width * height * 4)];
        Check(codec, rgba, info, source);
        var rgb = new byte[width * height * 3];
        for (int i = 0, j = 0; i < rgba.Length; i += 4, j += 3)
        {
            rgb[j] = rgba[i];
            rgb[j + 1] = rgba[i + 1];
            rgb[j + 2] = rgba[i + 2];
        }
        if (codec.EncodedFormat == SKEncodedImageFormat.Gif && GifPalette.TransparentColour(data) is var (r, g, b))
            for (int i = 0, j = 0; i < rgba.Length; i += 4, j += 3)
                if (rgba[i + 3] == 0)
                {
                    rgb[j] = r;
                    rgb[j + 1] = g;
                    rgb[j + 2] = b;
                }
        return new RgbImage(width, height, rgb);
    }

    private static void Check(SKCodec codec, byte[] buffer, SKImageInfo info, string source)
    {
        var result = codec.GetPixels(info, buffer);
        switch (result)
        {
            case SKCodecResult.Success:
                return;
            case SKCodecResult.IncompleteInput:
                throw new ImageDecodeException(source, $"truncated {FormatName(codec)} image (the data ends before the last row)");
            case SKCodecResult.ErrorInInput:
            case SKCodecResult.InvalidInput:
                throw new ImageDecodeException(source, $"corrupt or truncated {FormatName(codec)} image (damaged data)");
            default:
                throw new ImageDecodeException(source, $"cannot decode {FormatName(codec)} image ({result})");
        }
    }

    private static string FormatName(SKCodec codec) => codec.EncodedFormat.ToString().ToUpperInvariant();

    /// <summary>
    /// Whether an end-of-image marker (FF D9) follows the first start-of-scan segment. libjpeg
    /// pads a truncated progressive scan silently; PIL refuses such files as truncated. Entropy
    /// coded data cannot hold FF D9 (FF is stuffed as FF 00), and thumbnails sit in APPn
    /// segments before the scan, so this is exact for well-formed files.
    /// </summary>
    private static bool JpegHasEndMarker(byte[] d)
    {
        int i = 2;
        while (i + 4 <= d.Length)
        {
            if (d[i] != 0xFF) return true; // not a marker where one should be: let the decoder judge
            byte marker = d[i + 1];
            if (marker == 0xFF) { i++; continue; } // fill byte
            if (marker == 0xD9) return true;
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) { i += 2; continue; }
            int length = (d[i + 2] << 8) | d[i + 3];
            if (marker == 0xDA)
            {
                for (int j = i + 2 + length; j + 1 < d.Length; j++)
                    if (d[j] == 0xFF && d[j + 1] == 0xD9) return true;
                return false;
            }
            i += 2 + length;
        }
        return false;
    }

    private static string? LooksLikeKnownFormat(byte[] d)
    {
        if (d.Length >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return "JPEG";
        if (d.Length >= 8 && BinaryPrimitives.ReadUInt64BigEndian(d) == 0x89504E470D0A1A0AUL) return "PNG";
        if (d.Length >= 4 && d[0] == 'G' && d[1] == 'I' && d[2] == 'F' && d[3] == '8') return "GIF";
        if (d.Length >= 2 && d[0] == 'B' && d[1] == 'M') return "BMP";
        if (d.Length >= 12 && d[0] == 'R' && d[1] == 'I' && d[2] == 'F' && d[3] == 'F' && d[8] == 'W' && d[9] == 'E' && d[10] == 'B' && d[11] == 'P') return "WebP";
        return null;
    }
}
