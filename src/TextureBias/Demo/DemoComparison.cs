using TextureBias.Comparison;
using TextureBias.Evaluation;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Reports;

namespace TextureBias.Demo;

/// <summary>
/// The demo's section on the BagNet paper's second half: its natural-trained BagNet-9 against its ResNet-18s, with the code of
/// <c>compare-bagnet</c> (error distribution, masking of the squares with the most BagNet evidence, interactions between image
/// parts) on the natural test images, 8-pixel squares.
/// </summary>
internal static class DemoComparison
{
    /// <summary>The comparison's own report and its two figures.</summary>
    public sealed record Files(string Report, string Masking, string Interactions, BagNetComparisonResult Result);

    public static Files Run(IReadOnlyList<DemoModelResult> results, string outDir, string worldDir, string figures, DemoOptions options,
        Action<DemoProgress>? progress, CancellationToken cancel)
    {
        const string stage = "BagNet comparison";
        var bag = results.First(r => r.Architecture == "bagnet9" && r.TrainingSet == "natural");
        var others = results.Where(r => r.Architecture != "bagnet9").ToList();
        var geometry = TextureShapeDemo.EvalPreprocessing(options);
        ImageClassifier Load(DemoModelResult r) => ModelWeights.LoadClassifier(r.Architecture, Path.Combine(outDir, "models", r.Name, "checkpoint.pth.tar"));
        using var bagnet = Load(bag);
        var networks = others.Select(r => new RobustnessModel(r.Label, Load(r), geometry)).ToList();
        try
        {
            var compare = new BagNetComparisonOptions
            {
                Images = 96, InteractionImages = 8,
                Masking = new MaskingOptions { Patch = 8, Steps = [0, 1, 2, 4, 8, 16] },
                Interactions = new InteractionOptions { Patch = 8, PairsPerImage = 24, KeepPairs = false },
            };
            int stages = BagNetComparison.Stages.Count;
            progress?.Invoke(new DemoProgress(stage, 0, stages));
            var result = BagNetComparison.Run(new RobustnessModel(bag.Label, bagnet, geometry), networks, Path.Combine(worldDir, "test-natural"), geometry, compare,
                progress: (s, _, _) => progress?.Invoke(new DemoProgress(stage, BagNetComparison.Stages.ToList().IndexOf(s), stages)), cancel: cancel, device: options.Device);
            string dir = Path.Combine(figures, "comparison");
            string report = Path.Combine(outDir, "comparison.html");
            BagNetComparisonReport.Write(report, dir, result, compare, "world/test-natural");
            progress?.Invoke(new DemoProgress(stage, stages, stages));
            return new Files(report, Path.Combine(dir, "masking.png"), Path.Combine(dir, "interactions.png"), result);
        }
        finally
        {
            foreach (var n in networks) n.Model.Dispose();
        }
    }
}
