using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Detection;

/// <summary>
/// Evaluates a detector on a dataset (<c>detect-eval</c>): <see cref="Detect"/> runs it over the images (one at a time,
/// as torchvision's reference evaluation, decoding on a background thread), appending each image's detections to a
/// CSV so that an interrupted evaluation resumes where it stopped; <see cref="ScoreVoc"/> and <see cref="ScoreCoco"/>
/// compute VOC's AP (<see cref="VocAp"/>) or COCO's (<see cref="CocoEval"/>) from the detections file's numbers.
/// </summary>
public static class DetectionEvaluation
{
    /// <summary>Images decoded ahead of the detector.</summary>
    const int Prefetch = 4;

    /// <summary>
    /// Runs <paramref name="model"/> (put in eval mode) on every image of <paramref name="dataset"/> that has no line in
    /// <paramref name="csvPath"/> yet, and appends its detections: in VOC's 1-based coordinates (xmin = x1 + 1, …) when
    /// <paramref name="vocCoordinates"/>, else in the model's (COCO's) coordinates; class = the dataset's class name (the label's
    /// number for COCO's unnamed ids). Images without any detection leave no line, so a resumed run detects them again.
    /// Images that cannot be read are reported to <paramref name="failure"/> and skipped.
    /// </summary>
    /// <returns>Images detected now, skipped, and already in the file.</returns>
    /// <exception cref="TextureBiasException">The model's class count differs from the dataset's, or the CSV is not ours.</exception>
    public static DetectionRunSummary Detect(FasterRcnn model, DetectionDataset dataset, string csvPath, bool vocCoordinates,
        Device? device = null, Action<ImageFailure>? failure = null, Action<int>? progress = null, CancellationToken cancel = default)
    {
        if (model.Options.NumClasses != dataset.ClassNames.Count)
            throw new TextureBiasException($"the detector has {model.Options.NumClasses} classes (with background) but {dataset.Name} has {dataset.ClassNames.Count}");
        using var writer = DetectionCsvWriter.Open(csvPath);
        var todo = dataset.Samples.Where(s => !writer.Done.Contains(s.Id)).ToList();
        int already = dataset.Samples.Count - todo.Count;
        var on = Devices.Place(model, device);
        model.eval();
        int detected = 0, skipped = 0;
        progress?.Invoke(already);

        using var queue = new BlockingCollection<(DetectionSample Sample, RgbImage? Image, string? Error)>(Prefetch);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var decoder = Task.Run(() =>
        {
            try
            {
                foreach (var s in todo)
                {
                    if (stop.IsCancellationRequested) break;
                    try
                    {
                        queue.Add((s, ImageDecoder.Decode(s.ImagePath), null), stop.Token);
                    }
                    catch (ImageDecodeException e)
                    {
                        queue.Add((s, null, e.Reason), stop.Token);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        queue.Add((s, null, e.Message.ReplaceLineEndings(" ")), stop.Token);
                    }
                }
            }
            catch (OperationCanceledException) { }
            finally
            {
                queue.CompleteAdding();
            }
        });
        try
        {
            foreach (var (sample, image, error) in queue.GetConsumingEnumerable(cancel))
            {
                if (image is null)
                {
                    skipped++;
                    failure?.Invoke(new ImageFailure(sample.ImagePath, error ?? "unreadable"));
                    progress?.Invoke(already + detected + skipped);
                    continue;
                }
                writer.Write(Rows(model, image, sample.Id, dataset.ClassNames, vocCoordinates, on));
                detected++;
                progress?.Invoke(already + detected + skipped);
            }
        }
        finally
        {
            stop.Cancel();
            while (queue.TryTake(out _)) { }
            decoder.Wait();
        }
        cancel.ThrowIfCancellationRequested();
        return new DetectionRunSummary(detected, skipped, already);
    }

    /// <summary>One image's detections as CSV rows (every detection the model keeps).</summary>
    static List<DetectionRow> Rows(FasterRcnn model, RgbImage image, string id, IReadOnlyList<string> names, bool voc, Device on)
    {
        var rows = new List<DetectionRow>();
        foreach (var box in ImageDetection.Find(model, image, names, float.NegativeInfinity, on))
        {
            // A label without a name of its own (COCO's N/A gaps) is written as its number.
            string name = box.Name == CocoCategories.Gap ? box.Label.ToString(CultureInfo.InvariantCulture) : box.Name;
            if (voc)
            {
                var (a, b, c, e) = VocDataset.ToVoc(box.X1, box.Y1, box.X2, box.Y2);
                rows.Add(new DetectionRow(id, name, box.Score, a, b, c, e));
            }
            else
                rows.Add(new DetectionRow(id, name, box.Score, box.X1, box.Y1, box.X2, box.Y2));
        }
        return rows;
    }

    /// <summary>
    /// VOC's AP of <paramref name="rows"/> (VOC's coordinates, VOC's class names) against <paramref name="dataset"/>
    /// (read by <see cref="VocDataset.Load"/>), over its classes.
    /// </summary>
    /// <exception cref="TextureBiasException">A row names an image not in the dataset or an unknown class.</exception>
    public static VocApResult ScoreVoc(DetectionDataset dataset, IReadOnlyList<DetectionRow> rows, VocApMetric metric, string source)
    {
        var classes = dataset.ClassNames.Skip(1).ToList();
        var known = new HashSet<string>(classes, StringComparer.Ordinal);
        var truth = VocDataset.GroundTruth(dataset);
        var detections = new List<VocDetection>(rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (!known.Contains(r.ClassName))
                throw new TextureBiasException($"{source}: detection {i + 1} has class '{r.ClassName}', not one of {dataset.Name}'s");
            if (!truth.ContainsKey(r.ImageId))
                throw new TextureBiasException($"{source}: detection {i + 1} is on image '{r.ImageId}', which is not in {dataset.Name}");
            detections.Add(new VocDetection(r.ImageId, r.ClassName, r.Score, r.X1, r.Y1, r.X2, r.Y2));
        }
        return VocAp.Evaluate(truth, detections, classes, metric);
    }

    /// <summary>
    /// COCO's AP of <paramref name="rows"/> (COCO's continuous coordinates; class = category name or id) against <paramref name="truth"/>.
    /// </summary>
    /// <exception cref="TextureBiasException">A row names an unknown class or an image id that is not a number of the ground truth.</exception>
    public static CocoEvalResult ScoreCoco(CocoAnnotations truth, IReadOnlyList<DetectionRow> rows, string source) =>
        CocoEval.Evaluate(truth, ToCoco(truth, rows, source));

    /// <summary>Rows of a CSV as COCO results: w = x2 − x1, h = y2 − y1.</summary>
    public static IReadOnlyList<CocoResult> ToCoco(CocoAnnotations truth, IReadOnlyList<DetectionRow> rows, string source)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 1; k < truth.ClassNames.Count; k++)
            if (truth.ClassNames[k] != CocoCategories.Gap) ids.TryAdd(truth.ClassNames[k], k);
        var results = new List<CocoResult>(rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (!ids.TryGetValue(r.ClassName, out int category) && !int.TryParse(r.ClassName, NumberStyles.None, CultureInfo.InvariantCulture, out category))
                throw new TextureBiasException($"{source}: detection {i + 1} has class '{r.ClassName}', neither a category name nor an id of the annotations");
            if (!long.TryParse(r.ImageId, NumberStyles.None, CultureInfo.InvariantCulture, out long image))
                throw new TextureBiasException($"{source}: detection {i + 1} has image_id '{r.ImageId}', not a COCO image id");
            results.Add(new CocoResult(image, category, r.Score, r.X1, r.Y1, r.X2 - r.X1, r.Y2 - r.Y1));
        }
        return results;
    }

    /// <summary>Writes <paramref name="result"/> as JSON to <paramref name="path"/>, atomically (undefined APs as null).</summary>
    public static void WriteJson(string path, DetectionEvaluationResult result) =>
        AtomicFile.WriteText(path, ToJson(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    /// <summary>The JSON of <see cref="WriteJson"/>.</summary>
    public static JsonObject ToJson(DetectionEvaluationResult result)
    {
        static JsonNode? N(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
        var o = new JsonObject
        {
            ["dataset"] = result.Dataset,
            ["source"] = result.Source,
            ["images"] = result.Images,
            ["skipped"] = result.Skipped,
            ["detections"] = result.Detections,
        };
        if (result.Voc is { } voc)
        {
            o["metric"] = voc.Metric == VocApMetric.ElevenPoint ? "voc07-11point" : "voc-area";
            o["iou_threshold"] = voc.IouThreshold;
            o["map"] = N(voc.MeanAp);
            var classes = new JsonArray();
            foreach (var c in voc.Classes)
                classes.Add(new JsonObject
                {
                    ["class"] = c.ClassName, ["ap"] = N(c.Ap), ["ground_truths"] = c.GroundTruths, ["detections"] = c.Detections,
                    ["true_positives"] = c.TruePositives, ["false_positives"] = c.FalsePositives,
                });
            o["classes"] = classes;
        }
        if (result.Coco is { } coco)
        {
            o["metric"] = "coco";
            o["map50"] = N(coco.Ap50);
            o["map50_95"] = N(coco.Ap);
            var classes = new JsonArray();
            foreach (var c in coco.Classes)
                classes.Add(new JsonObject
                {
                    ["category_id"] = c.CategoryId, ["class"] = c.Name, ["ap50"] = N(c.Ap50), ["ap50_95"] = N(c.Ap),
                    ["ground_truths"] = c.GroundTruths, ["detections"] = c.Detections,
                });
            o["classes"] = classes;
        }
        return o;
    }
}
