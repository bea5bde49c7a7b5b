using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using TextureBias.Data;
using TextureBias.Detection;

namespace TextureBias.Cli.Commands;

/// <summary>
/// <c>texturebias detect-eval</c>: VOC's mAP (py-faster-rcnn's voc_eval) or COCO's (pycocotools) of a detector, or of
/// detections made elsewhere, with a per-class table and JSON.
/// </summary>
internal static class DetectEvalCommand
{
    /// <summary>The detections file in the output folder.</summary>
    public const string DetectionsFile = "detections.csv";

    /// <summary>The results file in the output folder.</summary>
    public const string ResultsFile = "results.json";

    /// <summary>What the output folder's detections were made with (to refuse resuming another evaluation).</summary>
    public const string RunFile = "evaluation.json";

    public static Command Create()
    {
        var weights = new Option<string?>("--weights") { Description = "Faster R-CNN weights to evaluate: a registered name (fasterrcnn_resnet50_fpn_coco, fetched on first use), torchvision's .pth or a detect-train checkpoint" };
        var detections = new Option<string?>("--detections") { Description = "Score these detections instead: our CSV (image_id,class,score,x1,y1,x2,y2; VOC's 1-based coordinates for VOC), py-faster-rcnn's per-class files ('dir/comp4_det_test_{}.txt') or COCO's results JSON" };
        var voc = new Option<string?>("--voc") { Description = "VOCdevkit folder (holding VOC2007, ...)" };
        var year = new Option<string>("--year") { Description = "VOC year(s), comma-separated", DefaultValueFactory = _ => "2007" };
        var set = new Option<string>("--set") { Description = "VOC image set (ImageSets/Main/SET.txt)", DefaultValueFactory = _ => "test" };
        var metric = new Option<string?>("--metric") { Description = "VOC AP: 11point (VOC2007 as published; default before 2010) or area (VOC2010+)" };
        var coco = new Option<string?>("--coco") { Description = "COCO images folder (e.g. val2017)" };
        var annotations = new Option<string?>("--annotations") { Description = "COCO instances file (e.g. instances_val2017.json)" };
        var output = new Option<string?>("--out") { Description = $"Output folder: {DetectionsFile} (written as the detector runs; an interrupted evaluation resumes) and {ResultsFile}. Required with --weights" };
        var force = new Option<bool>("--force") { Description = "Redo an evaluation whose --out folder already holds results" };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON instead of the table" };
        var minSize = new Option<int?>("--min-size") { Description = "Shorter side images are resized to (torchvision's min_size; default: the detect-train checkpoint's, else 800)" };
        var maxSize = new Option<int?>("--max-size") { Description = "Longest the longer side may become (torchvision's max_size; default: the detect-train checkpoint's, else 1333)" };
        var device = DeviceOption.Create();
        var command = new Command("detect-eval", "Mean average precision of a detector (or of a detections file) on PASCAL VOC or COCO.")
        {
            weights, detections, voc, year, set, metric, coco, annotations, output, force, json, minSize, maxSize, device,
        };
        PathOptions.Declare(inputFiles: [annotations], inputFolders: [voc, coco], outputFolders: [output]);
        command.SetAction(r => CommandRunner.Run(cancel => Run(new Args(r.GetValue(weights), r.GetValue(detections), r.GetValue(voc),
            r.GetValue(year)!, r.GetValue(set)!, r.GetValue(metric), r.GetValue(coco), r.GetValue(annotations), r.GetValue(output),
            r.GetValue(force), r.GetValue(json), r.GetValue(minSize), r.GetValue(maxSize), r.GetValue(device)), cancel)));
        return command;
    }

    private sealed record Args(string? Weights, string? Detections, string? Voc, string Year, string Set, string? Metric, string? Coco,
        string? Annotations, string? Out, bool Force, bool Json, int? GivenMin, int? GivenMax, string? Device)
    {
        public int MinSize => GivenMin ?? FasterRcnnOptions.Torchvision.MinSize;
        public int MaxSize => GivenMax ?? FasterRcnnOptions.Torchvision.MaxSize;
    }

    private static int Run(Args a, CancellationToken cancel)
    {
        if ((a.Weights is null) == (a.Detections is null))
            throw new TextureBiasException("give either --weights (run a detector) or --detections (score a file)");
        if ((a.Voc is null) == (a.Coco is null))
            throw new TextureBiasException("give either --voc VOCdevkit or --coco IMAGES --annotations F.json");
        if (a.Coco is not null && a.Annotations is null)
            throw new TextureBiasException("--coco needs --annotations (the instances JSON)");
        if (a.Voc is not null && a.Annotations is not null)
            throw new TextureBiasException("--annotations is for --coco; VOC's are in the VOCdevkit");
        if (a.MinSize < 1 || a.MaxSize < a.MinSize)
            throw new TextureBiasException("--min-size must be at least 1 and --max-size at least --min-size");
        if (a.Weights is not null && a.Out is null)
            throw new TextureBiasException("--weights needs --out DIR (the detections are written there as they are made)");
        var years = a.Year.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (a.Voc is not null && (years.Length == 0 || years.Any(y => !int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out _))))
            throw new TextureBiasException($"--year '{a.Year}' is not a year or a comma-separated list of years");
        VocApMetric vocMetric = a.Metric switch
        {
            null => years.All(y => int.Parse(y, CultureInfo.InvariantCulture) < 2010) ? VocApMetric.ElevenPoint : VocApMetric.Area,
            "11point" => VocApMetric.ElevenPoint,
            "area" => VocApMetric.Area,
            _ => throw new TextureBiasException($"--metric '{a.Metric}' is neither 11point nor area"),
        };
        if (a.Metric is not null && a.Coco is not null)
            throw new TextureBiasException("--metric is for VOC; COCO's AP is pycocotools'");

        string? results = a.Out is null ? null : Path.Combine(a.Out, ResultsFile);
        if (results is not null && File.Exists(results) && !a.Force)
            throw new TextureBiasException($"{a.Out} already holds a finished evaluation ({ResultsFile}); --force to redo it");

        var device = a.Weights is null ? null : DeviceOption.Parse(a.Device);
        string? weightsFile = a.Weights is null ? null : ZooAccess.Resolve(a.Weights, TextureBias.Models.Zoo.WeightKind.Detector, cancel);
        CocoAnnotations? cocoTruth = a.Annotations is null ? null : CocoAnnotations.Load(a.Annotations);
        var dataset = a.Voc is not null ? VocDataset.Load(a.Voc, years, a.Set) : CocoDataset.Load(a.Coco!, cocoTruth!, training: false);

        int skipped = 0;
        IReadOnlyList<DetectionRow>? rows = null;
        IReadOnlyList<CocoResult>? cocoResults = null;
        string source;
        if (a.Weights is not null)
        {
            source = a.Weights;
            string csv = Path.Combine(a.Out!, DetectionsFile);
            using var model = FasterRcnn.Load(weightsFile!, FasterRcnnOptions.Torchvision with { MinSize = a.MinSize, MaxSize = a.MaxSize },
                sizesFromFile: a.GivenMin is null && a.GivenMax is null);
            PrepareRun(a.Out!, csv, weightsFile!, dataset.Name, model.Options.MinSize, model.Options.MaxSize, a.Force);
            void Failure(ImageFailure f) => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}");
            var summary = CommandRunner.WithProgress($"detect {dataset.Samples.Count} images", dataset.Samples.Count,
                progress => DetectionEvaluation.Detect(model, dataset, csv, vocCoordinates: a.Voc is not null, device, Failure, progress, cancel));
            if (summary.AlreadyDone > 0)
                Console.Error.WriteLine($"texturebias: resumed: {summary.AlreadyDone} images were already in {csv}");
            skipped = summary.Skipped;
            rows = DetectionFiles.ReadCsv(csv);
        }
        else
        {
            source = a.Detections!;
            if (DetectionFiles.IsPerClassPattern(a.Detections!))
                rows = DetectionFiles.ReadPerClass(a.Detections!, dataset.ClassNames);
            else if (a.Detections!.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                if (cocoTruth is null) throw new TextureBiasException($"{a.Detections}: COCO results JSON is scored with --coco; for VOC give our CSV or py-faster-rcnn's files");
                cocoResults = DetectionFiles.ReadCocoJson(a.Detections!);
            }
            else
                rows = DetectionFiles.ReadCsv(a.Detections!);
        }

        DetectionEvaluationResult result;
        if (cocoTruth is not null)
        {
            cocoResults ??= DetectionEvaluation.ToCoco(cocoTruth, rows!, source);
            var coco = CocoEval.Evaluate(cocoTruth, cocoResults);
            result = new DetectionEvaluationResult(dataset.Name, source, dataset.Samples.Count, skipped, cocoResults.Count, null, coco);
        }
        else
        {
            var vocResult = DetectionEvaluation.ScoreVoc(dataset, rows!, vocMetric, source);
            result = new DetectionEvaluationResult(dataset.Name, source, dataset.Samples.Count, skipped, rows!.Count, vocResult, null);
        }
        if (results is not null) DetectionEvaluation.WriteJson(results, result);
        Print(result, a.Json);
        return skipped > 0 ? CommandRunner.SomeInputsFailed : CommandRunner.Ok;
    }

    /// <summary>Starts or resumes the run in <paramref name="folder"/>: the same weights and dataset, or --force to start over.</summary>
    private static void PrepareRun(string folder, string csv, string weights, string dataset, int minSize, int maxSize, bool force)
    {
        string runPath = Path.Combine(folder, RunFile);
        var run = new JsonObject { ["weights"] = Path.GetFullPath(weights), ["dataset"] = dataset, ["min_size"] = minSize, ["max_size"] = maxSize };
        if (force)
        {
            File.Delete(csv);
            File.Delete(Path.Combine(folder, ResultsFile));
        }
        else if (File.Exists(csv))
        {
            JsonNode? recorded = null;
            try { recorded = File.Exists(runPath) ? JsonNode.Parse(File.ReadAllText(runPath)) : null; }
            catch (JsonException) { }
            if (recorded is null || !JsonNode.DeepEquals(recorded, run))
                throw new TextureBiasException($"{csv} holds detections of another evaluation ({(recorded is null ? "unrecorded" : recorded.ToJsonString())}); --force to start over, or another --out");
        }
        AtomicFile.WriteText(runPath, run.ToJsonString() + "\n");
    }

    private static void Print(DetectionEvaluationResult result, bool json)
    {
        if (json)
        {
            Console.WriteLine(DetectionEvaluation.ToJson(result).ToJsonString());
            return;
        }
        static string F(double v) => double.IsNaN(v) ? "-" : (100 * v).ToString("0.00", CultureInfo.InvariantCulture);
        static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        if (result.Voc is { } voc)
        {
            var table = new Table().AddColumns("class", "AP", "objects", "detections", "TP", "FP");
            foreach (var c in voc.Classes)
                table.AddRow(Markup.Escape(c.ClassName), F(c.Ap), I(c.GroundTruths), I(c.Detections), I(c.TruePositives), I(c.FalsePositives));
            AnsiConsole.Write(table);
            Console.WriteLine($"mAP@0.5 {F(voc.MeanAp)}  ({(voc.Metric == VocApMetric.ElevenPoint ? "VOC07 11-point" : "area")} metric, {result.Dataset}, {result.Images} images, {result.Detections} detections" +
                (result.Skipped > 0 ? $", {result.Skipped} images skipped)" : ")"));
        }
        if (result.Coco is { } coco)
        {
            var table = new Table().AddColumns("id", "class", "AP@0.5", "AP@[.5:.95]", "objects", "detections");
            foreach (var c in coco.Classes)
                table.AddRow(I(c.CategoryId), Markup.Escape(c.Name), F(c.Ap50), F(c.Ap), I(c.GroundTruths), I(c.Detections));
            AnsiConsole.Write(table);
            Console.WriteLine($"mAP@0.5 {F(coco.Ap50)}  mAP@[.5:.95] {F(coco.Ap)}  (pycocotools bbox, {result.Dataset}, {result.Images} images, {result.Detections} detections" +
                (result.Skipped > 0 ? $", {result.Skipped} images skipped)" : ")"));
        }
    }
}
