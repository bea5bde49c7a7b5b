using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Style;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias stylize</c>: AdaIN style transfer of an image (pytorch-AdaIN's test.py).</summary>
internal static class StylizeCommand
{
    public static Command Create()
    {
        var vgg = new Option<string>("--vgg") { Description = "vgg_normalised.pth (the encoder)", Required = true };
        var decoder = new Option<string>("--decoder") { Description = "decoder.pth", Required = true };
        var content = new Option<string>("--content") { Description = "The content image", Required = true };
        var styles = new Option<string[]>("--style") { Description = "A style image; repeat for several", Required = true, Arity = ArgumentArity.OneOrMore };
        var weights = new Option<string?>("--style-weights") { Description = "Weights of several styles, comma-separated (normalised to sum 1; default equal)" };
        var alpha = new Option<double>("--alpha") { Description = "Content–style trade-off in [0, 1]", DefaultValueFactory = _ => 1.0 };
        var contentSize = new Option<int>("--content-size") { Description = "Shorter side of the content (0 keeps the size)", DefaultValueFactory = _ => 512 };
        var styleSize = new Option<int>("--style-size") { Description = "Shorter side of the styles (0 keeps the size)", DefaultValueFactory = _ => 512 };
        var crop = new Option<bool>("--crop") { Description = "Centre-crop content and styles to their sizes" };
        var preserve = new Option<bool>("--preserve-color") { Description = "Keep the content's colours" };
        var output = new Option<string>("--out") { Description = "Output image (.png, .jpg or .webp)", Required = true };
        var command = new Command("stylize", "AdaIN style transfer: the content image painted in the style of the style image(s).")
        {
            vgg, decoder, content, styles, weights, alpha, contentSize, styleSize, crop, preserve, output,
        };
        command.SetAction(r => CommandRunner.Run(_ =>
        {
            if (r.GetValue(contentSize) < 0 || r.GetValue(styleSize) < 0) throw new TextureBiasException("sizes must be 0 (keep) or positive");
            var styleWeights = r.GetValue(weights)?.Split(',').Select(w => double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                ? x : throw new TextureBiasException($"--style-weights: '{w}' is not a number")).ToList();
            var options = new StyleOptions
            {
                ContentSize = r.GetValue(contentSize),
                StyleSize = r.GetValue(styleSize),
                Crop = r.GetValue(crop),
                Alpha = r.GetValue(alpha),
                StyleWeights = styleWeights,
                PreserveColor = r.GetValue(preserve),
            };
            var outPath = r.GetValue(output)!;
            var format = ImageEncoder.FormatOf(outPath)
                ?? throw new TextureBiasException($"--out: cannot write '{Path.GetExtension(outPath)}' images (use .png, .jpg or .webp)");
            var contentImage = ImageDecoder.Decode(r.GetValue(content)!);
            var styleImages = r.GetValue(styles)!.Select(p => ImageDecoder.Decode(p)).ToList();
            using var transfer = StyleTransfer.Load(r.GetValue(vgg)!, r.GetValue(decoder)!);
            var watch = Stopwatch.StartNew();
            var result = transfer.Stylize(contentImage, styleImages, options);
            ImageEncoder.Save(outPath, result, format);
            Console.Error.WriteLine($"texturebias: {result.Width}x{result.Height} image in {watch.Elapsed.TotalSeconds:0.0} s: {outPath}");
            return CommandRunner.Ok;
        }));
        return command;
    }
}
