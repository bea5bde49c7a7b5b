using static TorchSharp.torch;

namespace TextureBias.Imaging;

/// <summary>
/// torchvision's evaluation transform on a decoded image: <c>Resize(Resize)</c> (shorter side,
/// PIL bilinear with antialiasing), <c>CenterCrop(Crop)</c>, <c>ToTensor</c> and
/// <c>Normalize(Mean, Std)</c> (the ImageNet statistics unless set). A size of 0 skips that
/// step, so <c>new Preprocessing(0, 0)</c> uses the image at its own size (as parity checks need).
/// </summary>
/// <param name="Resize">Target length of the shorter side, or 0 to keep the size.</param>
/// <param name="Crop">Side of the square centre crop, or 0 for no crop.</param>
public sealed record Preprocessing(int Resize = 256, int Crop = 224)
{
    /// <summary>The ImageNet channel means (RGB) used by torchvision and by both papers.</summary>
    public static IReadOnlyList<float> ImageNetMean { get; } = new[] { 0.485f, 0.456f, 0.406f };

    /// <summary>The ImageNet channel standard deviations (RGB).</summary>
    public static IReadOnlyList<float> ImageNetStd { get; } = new[] { 0.229f, 0.224f, 0.225f };

    /// <summary>The standard ImageNet validation transform: Resize 256, CenterCrop 224.</summary>
    public static Preprocessing ImageNetEval { get; } = new(256, 224);

    /// <summary>The channel means (RGB) subtracted after <c>ToTensor</c>; <see cref="ImageNetMean"/> unless set.</summary>
    public IReadOnlyList<float> Mean { get; init; } = ImageNetMean;

    /// <summary>The channel standard deviations (RGB) divided by; <see cref="ImageNetStd"/> unless set.</summary>
    public IReadOnlyList<float> Std { get; init; } = ImageNetStd;

    /// <summary>True when <see cref="Mean"/> and <see cref="Std"/> are the ImageNet statistics.</summary>
    public bool HasImageNetNormalisation => Mean.SequenceEqual(ImageNetMean) && Std.SequenceEqual(ImageNetStd);

    /// <summary>Equal sizes and equal normalisation values.</summary>
    public bool Equals(Preprocessing? other) =>
        other is not null && Resize == other.Resize && Crop == other.Crop && Mean.SequenceEqual(other.Mean) && Std.SequenceEqual(other.Std);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Resize, Crop, Mean.Count > 0 ? Mean[0] : 0, Std.Count > 0 ? Std[0] : 0);

    /// <summary>"resize 256, crop 224" (and the normalisation when it is not ImageNet's).</summary>
    public override string ToString()
    {
        static string F(IReadOnlyList<float> v) => string.Join(", ", v.Select(x => x.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)));
        return $"resize {Resize}, crop {Crop}" + (HasImageNetNormalisation ? "" : $", mean ({F(Mean)}), std ({F(Std)})");
    }

    /// <summary>Resize and crop only, on the 8-bit image (no tensor yet).</summary>
    public RgbImage Geometry(RgbImage image)
    {
        if (Resize < 0 || Crop < 0) throw new ArgumentException($"resize and crop must be 0 or positive, got {Resize} and {Crop}");
        if (Resize > 0) image = ResizeShorterSide(image, Resize);
        if (Crop > 0) image = CenterCrop(image, Crop);
        return image;
    }

    /// <summary>The network input for one image: a normalised float32 tensor [3,H,W].</summary>
    public Tensor Apply(RgbImage image)
    {
        using var scope = NewDisposeScope();
        return Normalize(Geometry(image).ToTensor(), Mean, Std).MoveToOuterDisposeScope();
    }

    /// <summary>Decodes the file at <paramref name="path"/> and applies the transform.</summary>
    public Tensor Load(string path) => Apply(ImageDecoder.Decode(path));

    /// <summary>torchvision's <c>Normalize</c> with the ImageNet statistics, in place on a new tensor [3,H,W] or [N,3,H,W].</summary>
    public static Tensor Normalize(Tensor chw) => Normalize(chw, ImageNetMean, ImageNetStd);

    /// <summary>torchvision's <c>Normalize(mean, std)</c> on a new tensor [3,H,W] or [N,3,H,W], on <paramref name="chw"/>'s device.</summary>
    public static Tensor Normalize(Tensor chw, IReadOnlyList<float> channelMean, IReadOnlyList<float> channelStd)
    {
        using var scope = NewDisposeScope();
        var shape = chw.dim() == 4 ? new long[] { 1, 3, 1, 1 } : new long[] { 3, 1, 1 };
        var mean = tensor(channelMean.ToArray(), device: chw.device).reshape(shape);
        var std = tensor(channelStd.ToArray(), device: chw.device).reshape(shape);
        return Models.SafeScalars.Minus(chw, mean).div_(std).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// torchvision's <c>Resize(size)</c> for an int size: the shorter side becomes
    /// <paramref name="size"/>, the longer one <c>int(size * long / short)</c>.
    /// </summary>
    public static RgbImage ResizeShorterSide(RgbImage image, int size)
    {
        int w = image.Width, h = image.Height;
        int shortSide = Math.Min(w, h), longSide = Math.Max(w, h);
        int newLong = (int)((long)size * longSide / shortSide);
        var (nw, nh) = w <= h ? (size, newLong) : (newLong, size);
        return PilResize.Bilinear(image, nw, nh);
    }

    /// <summary>
    /// torchvision's <c>CenterCrop(size)</c>: pads with black when the image is smaller, and
    /// places the crop at <c>round((H - size) / 2)</c> (Python's round half to even).
    /// </summary>
    public static RgbImage CenterCrop(RgbImage image, int size)
    {
        if (image.Width < size || image.Height < size)
        {
            int padLeft = image.Width < size ? (size - image.Width) / 2 : 0;
            int padTop = image.Height < size ? (size - image.Height) / 2 : 0;
            int padRight = image.Width < size ? (size - image.Width + 1) / 2 : 0;
            int padBottom = image.Height < size ? (size - image.Height + 1) / 2 : 0;
            image = Pad(image, padLeft, padTop, padRight, padBottom);
            if (image.Width == size && image.Height == size) return image;
        }
        int top = (int)Math.Round((image.Height - size) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((image.Width - size) / 2.0, MidpointRounding.ToEven);
        return CropRegion(image, left, top, size, size);
    }

    /// <summary>The sub-image at (<paramref name="left"/>, <paramref name="top"/>) of the given size.</summary>
    public static RgbImage CropRegion(RgbImage image, int left, int top, int width, int height)
    {
        if (left < 0 || top < 0 || left + width > image.Width || top + height > image.Height)
            throw new ArgumentException($"crop {width}x{height} at ({left},{top}) leaves the {image.Width}x{image.Height} image");
        var dst = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            Buffer.BlockCopy(image.Pixels, ((top + y) * image.Width + left) * 3, dst, y * width * 3, width * 3);
        return new RgbImage(width, height, dst);
    }

    private static RgbImage Pad(RgbImage image, int left, int top, int right, int bottom)
    {
        int w = image.Width + left + right, h = image.Height + top + bottom;
        var dst = new byte[w * h * 3];
        for (int y = 0; y < image.Height; y++)
            Buffer.BlockCopy(image.Pixels, y * image.Width * 3, dst, ((top + y) * w + left) * 3, image.Width * 3);
        return new RgbImage(w, h, dst);
    }
}
