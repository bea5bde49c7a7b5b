using TextureBias.Models;
using TextureBias.Imaging;
using TextureBias.Models.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Style;

/// <summary>
/// Arbitrary style transfer with AdaIN, as pytorch-AdaIN's <c>test.py</c>: encode content and
/// style to relu4_1, give the content features the style's channel statistics, mix with the
/// content features by alpha, decode. Images are plain [0,1] RGB (no ImageNet normalisation).
/// The networks run on <see cref="Device"/>, in <see cref="Precision"/>: with mixed precision
/// (<c>--amp</c>), LibTorch's autocast runs the encoder's and the decoder's forward passes, and
/// the features come out as float32, so AdaIN's statistics and the images are float32 (no loss
/// scaling: stylisation is inference).
/// </summary>
public sealed class StyleTransfer : IDisposable
{
    /// <summary>
    /// Wraps an encoder and a decoder (put in eval mode), moved to <paramref name="device"/> when
    /// one is given (else they run where the encoder is), run in <paramref name="precision"/>.
    /// </summary>
    public StyleTransfer(VggEncoder encoder, AdaInDecoder decoder, Device? device = null, Precision precision = Precision.Float32)
    {
        Device = Devices.Place(encoder, device);
        Encoder = encoder;
        Decoder = Devices.MoveTo(decoder, Device);
        Precision = precision;
        Encoder.eval();
        Decoder.eval();
    }

    /// <summary>Where the networks run.</summary>
    public Device Device { get; }

    /// <summary>The arithmetic of the networks' forward passes (float32, or autocast to bf16/fp16).</summary>
    public Precision Precision { get; }

    /// <summary>The smallest side of an image the encoder takes (up to relu4_1, after three max-pools): 9 pixels.</summary>
    public static int MinimumSide { get; } = VggEncoder.MinimumSide(VggEncoder.AdaInLast);

    /// <summary>What needs <see cref="MinimumSide"/>, in messages.</summary>
    public const string EncoderName = "AdaIN's VGG encoder (relu4_1)";

    /// <summary>Refuses a size option (shorter side after resizing; 0 keeps the size) that no image would pass the encoder with.</summary>
    /// <exception cref="TextureBiasException">One line naming <paramref name="option"/>.</exception>
    public static void CheckSize(string option, int size)
    {
        if (size < 0) throw new TextureBiasException($"{option} must be 0 (keep the size) or positive");
        if (size > 0 && size < MinimumSide)
            throw new TextureBiasException($"{option} {size} is too small: {EncoderName} needs at least {MinimumSide} pixels (0 keeps each image's size)");
    }

    /// <summary>
    /// Null when <paramref name="image"/>, resized to the shorter side <paramref name="size"/>
    /// (0: kept), can pass the encoder; else why not.
    /// </summary>
    public static string? SizeProblem(RgbImage image, int size)
    {
        int shorter = size > 0 ? size : Math.Min(image.Width, image.Height);
        if (shorter >= MinimumSide) return null;
        return size > 0
            ? $"the size {size} is smaller than the {MinimumSide} pixels {EncoderName} needs"
            : $"image is {image.Width}x{image.Height}, smaller than the {MinimumSide} pixels {EncoderName} needs";
    }

    /// <summary>The VGG encoder.</summary>
    public VggEncoder Encoder { get; }

    /// <summary>The decoder.</summary>
    public AdaInDecoder Decoder { get; }

    /// <summary>
    /// Loads <c>vgg_normalised.pth</c> and <c>decoder.pth</c> (legacy or zip PyTorch format, or
    /// safetensors), to run on <paramref name="device"/> (null: the CPU) in <paramref name="precision"/>.
    /// </summary>
    /// <exception cref="WeightFileException">A file is unreadable or is not that network.</exception>
    public static StyleTransfer Load(string vggPath, string decoderPath, Device? device = null, Precision precision = Precision.Float32)
    {
        var encoder = new VggEncoder();
        var decoder = new AdaInDecoder();
        try
        {
            ModelWeights.Load(encoder, vggPath);
            ModelWeights.Load(decoder, decoderPath);
        }
        catch
        {
            encoder.Dispose();
            decoder.Dispose();
            throw;
        }
        return new StyleTransfer(encoder, decoder, device, precision);
    }

    /// <summary>
    /// The relu4_1 features (float32, on <see cref="Device"/>) of images [N,3,H,W] in [0,1]
    /// (uploaded to <see cref="Device"/> when elsewhere), the encoder running in <see cref="Precision"/>.
    /// </summary>
    public Tensor Encode(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = Devices.Upload(images, Device);
        Tensor features;
        using (MixedPrecision.Autocast(Device, Precision)) features = Encoder.forward(x);
        return Float32(features).MoveToOuterDisposeScope();
    }

    /// <summary>The decoder's output (float32, on <see cref="Device"/>, not clamped) for features [N,512,h,w], run in <see cref="Precision"/>.</summary>
    public Tensor Decode(Tensor features)
    {
        using var scope = NewDisposeScope();
        Tensor images;
        using (MixedPrecision.Autocast(Device, Precision)) images = Decoder.forward(features);
        return Float32(images).MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="x"/> itself when it is float32, else a float32 copy.</summary>
    internal static Tensor Float32(Tensor x) => x.dtype == ScalarType.Float32 ? x : x.to(ScalarType.Float32);

    /// <summary>
    /// The decoder's output [1,3,H',W'] (float32 on <see cref="Device"/>, not clamped) for content
    /// [1,3,H,W] and one or more styles [1,3,h,w] in [0,1] (uploaded to <see cref="Device"/> when
    /// elsewhere). Several styles are mixed by <paramref name="weights"/> (normalised); each style
    /// may have its own size.
    /// </summary>
    public Tensor Stylize(Tensor content, IReadOnlyList<Tensor> styles, double alpha = 1.0, IReadOnlyList<double>? weights = null)
    {
        if (alpha < 0 || alpha > 1) throw new TextureBiasException($"alpha must be in [0, 1], got {alpha}");
        if (styles.Count == 0) throw new ArgumentException("at least one style is needed");
        var w = Weights(styles.Count, weights);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var contentFeatures = Encode(content);
        Tensor feat;
        if (styles.Count == 1 && weights is null)
            feat = AdaIn.Apply(contentFeatures, Encode(styles[0]));
        else
        {
            feat = zeros_like(contentFeatures);
            for (int i = 0; i < styles.Count; i++)
                feat = feat.Plus(AdaIn.Apply(contentFeatures, Encode(styles[i])).Times(w[i]));
        }
        feat = feat.Times(alpha).Plus(contentFeatures.Times(1 - alpha));
        return Decode(feat).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Stylises images with test.py's preprocessing (Resize of the shorter side, optional centre
    /// crop, ToTensor) and saving (×255, round, clamp): the result as written to disk. Images are
    /// prepared on the CPU (also <c>--preserve-color</c>'s recolouring), stylised on
    /// <see cref="Device"/>, and the result comes back to the CPU as float32 before it becomes bytes.
    /// </summary>
    /// <exception cref="TextureBiasException">An image is too small for the encoder (<see cref="SizeProblem"/>).</exception>
    public RgbImage Stylize(RgbImage content, IReadOnlyList<RgbImage> styles, StyleOptions options)
    {
        if (SizeProblem(content, options.ContentSize) is { } problem) throw new TextureBiasException($"content: {problem}");
        for (int i = 0; i < styles.Count; i++)
            if (SizeProblem(styles[i], options.StyleSize) is { } p) throw new TextureBiasException($"style {i + 1}: {p}");
        using var scope = NewDisposeScope();
        var c = new Preprocessing(options.ContentSize, options.Crop ? options.ContentSize : 0).Geometry(content).ToTensor();
        var s = styles.Select(st => new Preprocessing(options.StyleSize, options.Crop ? options.StyleSize : 0).Geometry(st).ToTensor()).ToList();
        if (options.PreserveColor) s = s.Select(st => AdaIn.Coral(st, c)).ToList();
        var output = Stylize(c.unsqueeze(0), s.Select(t => t.unsqueeze(0)).ToList(), options.Alpha, options.StyleWeights);
        return RgbImage.FromTensor(output[0]);
    }

    private static double[] Weights(int count, IReadOnlyList<double>? weights)
    {
        if (weights is null) return Enumerable.Repeat(1.0 / count, count).ToArray();
        if (weights.Count != count) throw new TextureBiasException($"{weights.Count} style weights for {count} styles");
        if (weights.Any(x => x < 0 || double.IsNaN(x)) || weights.Sum() <= 0) throw new TextureBiasException("style weights must be non-negative and not all zero");
        double sum = weights.Sum();
        return weights.Select(x => x / sum).ToArray();
    }

    /// <summary>Disposes both networks.</summary>
    public void Dispose()
    {
        Encoder.Dispose();
        Decoder.Dispose();
    }
}
