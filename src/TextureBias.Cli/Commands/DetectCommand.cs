using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TextureBias.Data;
using TextureBias.Detection;
using TextureBias.Imaging;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias detect</c>: objects in one image with a Faster R-CNN, drawn and as JSON.</summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "Faster R-CNN weights: a registered name (fasterrcnn_resnet50_fpn_coco, fetched on first use), torchvision's fasterrcnn_resnet50_fpn .pth, or a detect-train checkpoint", Required = true };
        var image = new Option<string>("--image") { Description = "The image", Required = true };
        var threshold = new Option<float>("--score-threshold") { Description = "Keep detections scoring at least this", DefaultValueFactory = _ => 0.5f };
        var output = new Option<string?>("--out") { Description = "PNG of the image with the boxes, class names and scores drawn" };
        var json = new Option<string?>("--json") { Description = "JSON file: {\"boxes\": [[x1,y1,x2,y2],...] in image pixels, \"labels\", \"label_names\", \"scores\"}" };
        var minSize = new Option<int?>("--min-size") { Description = "Shorter side the image is resized to (torchvision's min_size; default: the detect-train checkpoint's, else 800)" };
        var maxSize = new Option<int?>("--max-size") { Description = "Longest the longer side may become (torchvision's max_size; default: the detect-train checkpoint's, else 1333)" };
        var device = DeviceOption.Create();
        var command = new Command("detect", "Detect objects in an image with a Faster R-CNN (torchvision's fasterrcnn_resnet50_fpn or ours).")
        {
            weights, image, threshold, output, json, minSize, maxSize, device,
        };
        PathOptions.Declare(inputFiles: [image], outputFiles: [output, json]);
        command.SetAction(r => CommandRunner.Run(cancel => Run(r.GetValue(weights)!, r.GetValue(image)!, r.GetValue(threshold),
            r.GetValue(output), r.GetValue(json), r.GetValue(minSize), r.GetValue(maxSize), r.GetValue(device))));
        return command;
    }

    private static int Run(string weights, string imagePath, float threshold, string? output, string? json, int? givenMin, int? givenMax, string? deviceText)
    {
        int minSize = givenMin ?? FasterRcnnOptions.Torchvision.MinSize, maxSize = givenMax ?? FasterRcnnOptions.Torchvision.MaxSize;
        if (!(threshold >= 0 && threshold <= 1)) throw new TextureBiasException("--score-threshold must be in [0, 1]");
        if (minSize < 1 || maxSize < minSize) throw new TextureBiasException("--min-size must be at least 1 and --max-size at least --min-size");
        var device = DeviceOption.Parse(deviceText);
        weights = ZooAccess.Resolve(weights, TextureBias.Models.Zoo.WeightKind.Detector, CommandRunner.Cancellation);
        var image = ImageDecoder.Decode(imagePath);
        // The model keeps boxes scoring over 0.05 (torchvision's box_score_thresh), or over a lower --score-threshold.
        using var model = FasterRcnn.Load(weights, FasterRcnnOptions.Torchvision with
        {
            MinSize = minSize, MaxSize = maxSize, BoxScoreThreshold = Math.Min(FasterRcnnOptions.Torchvision.BoxScoreThreshold, threshold),
        }, sizesFromFile: givenMin is null && givenMax is null);
        var names = DetectorClassNames.For(weights, model.Options.NumClasses);
        var boxes = ImageDetection.Run(model, image, names, threshold, device);
        if (output is not null) DetectionPicture.Save(image, boxes, output);
        if (json is not null)
            AtomicFile.WriteText(json, ImageDetection.ToJson(boxes).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        static string F(float v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        foreach (var b in boxes)
            Console.WriteLine($"{b.Name}\t{b.Score.ToString("0.000", CultureInfo.InvariantCulture)}\t{F(b.X1)} {F(b.Y1)} {F(b.X2)} {F(b.Y2)}");
        Console.Error.WriteLine($"texturebias: {boxes.Count} object{(boxes.Count == 1 ? "" : "s")} scoring at least {threshold.ToString(CultureInfo.InvariantCulture)} in {imagePath}" +
            (output is null ? "" : $"; drawn in {output}") + (json is null ? "" : $"; JSON in {json}"));
        return CommandRunner.Ok;
    }
}
