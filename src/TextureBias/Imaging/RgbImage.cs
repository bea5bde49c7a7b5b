using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Imaging;

/// <summary>
/// An 8-bit RGB image, row-major and interleaved (H×W×3), as PIL holds an image after
/// <c>.convert("RGB")</c>. Resizing and cropping work on these bytes so that results match
/// torchvision's PIL pipeline exactly.
/// </summary>
public sealed class RgbImage
{
    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels, <c>(y * Width + x) * 3 + channel</c>.</summary>
    public byte[] Pixels { get; }

    /// <summary>Wraps <paramref name="pixels"/> (not copied).</summary>
    public RgbImage(int width, int height, byte[] pixels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"image size must be positive, got {width}x{height}");
        if (pixels.Length != checked(width * height * 3))
            throw new ArgumentException($"expected {width * height * 3} bytes for {width}x{height} RGB, got {pixels.Length}");
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Creates a black image.</summary>
    public RgbImage(int width, int height) : this(width, height, new byte[checked(width * height * 3)]) { }

    /// <summary>The value of one channel at (x, y).</summary>
    public byte this[int x, int y, int channel] => Pixels[(y * Width + x) * 3 + channel];

    /// <summary>The pixels as opaque RGBA (alpha 255), row by row, as Skia's Rgba8888 wants them.</summary>
    internal byte[] ToRgba()
    {
        var px = new byte[Width * Height * 4];
        for (int i = 0, j = 0; j < Pixels.Length; i += 4, j += 3)
        {
            px[i] = Pixels[j];
            px[i + 1] = Pixels[j + 1];
            px[i + 2] = Pixels[j + 2];
            px[i + 3] = 255;
        }
        return px;
    }

    /// <summary>
    /// torchvision's <c>ToTensor</c>: a float32 tensor [3,H,W] with values in [0,1].
    /// </summary>
    public Tensor ToTensor()
    {
        using var scope = NewDisposeScope();
        var hwc = torch.tensor(Pixels, new long[] { Height, Width, 3 }, ScalarType.Byte, device: torch.CPU);
        return hwc.permute(2, 0, 1).to(ScalarType.Float32).div_(Models.SafeScalars.Byte).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The images of a batch [N,3,H,W] in [0,1], converted as <see cref="FromTensor"/> converts one
    /// (×255, rounded, clamped), in one pass over the batch.
    /// </summary>
    public static RgbImage[] FromTensors(Tensor nchw)
    {
        if (nchw.dim() != 4 || nchw.shape[1] != 3) throw new ArgumentException($"expected a [N,3,H,W] tensor, got [{string.Join(",", nchw.shape)}]");
        using var scope = NewDisposeScope();
        var bytes = nchw.detach().to(ScalarType.Float32).cpu().mul(Models.SafeScalars.Byte).add_(Models.SafeScalars.Half, Models.SafeScalars.One).clamp_(Models.SafeScalars.Zero, Models.SafeScalars.Byte)
            .to(ScalarType.Byte).permute(0, 2, 3, 1).contiguous();
        int n = (int)nchw.shape[0], h = (int)nchw.shape[2], w = (int)nchw.shape[3], per = 3 * h * w;
        var images = new RgbImage[n];
        ReadOnlySpan<byte> all = bytes.bytes;
        for (int i = 0; i < n; i++) images[i] = new RgbImage(w, h, all.Slice(i * per, per).ToArray());
        return images;
    }

    /// <summary>
    /// The inverse of <see cref="ToTensor"/> for a [3,H,W] tensor in [0,1]: values are scaled by
    /// 255, rounded half up (as torchvision's <c>save_image</c>), and clamped to [0,255].
    /// </summary>
    public static RgbImage FromTensor(Tensor chw)
    {
        if (chw.dim() != 3 || chw.shape[0] != 3) throw new ArgumentException($"expected a [3,H,W] tensor, got [{string.Join(",", chw.shape)}]");
        using var scope = NewDisposeScope();
        var bytes = chw.detach().to(ScalarType.Float32).cpu().mul(Models.SafeScalars.Byte).add_(Models.SafeScalars.Half, Models.SafeScalars.One).clamp_(Models.SafeScalars.Zero, Models.SafeScalars.Byte)
            .to(ScalarType.Byte).permute(1, 2, 0).contiguous();
        return new RgbImage((int)chw.shape[2], (int)chw.shape[1], bytes.data<byte>().ToArray());
    }
}
