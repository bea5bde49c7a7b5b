using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using static TorchSharp.torch;

namespace TextureBias.Comparison;

/// <summary>
/// The BagNet paper's second half in one run (Brendel &amp; Bethge 2019, §5: "VGG-16, ResNet-152 and DenseNet-169 … behave like
/// BagNets in terms of feature sensitivity, error distribution and interactions between image parts"): on one image folder, the
/// error distribution of each network against the BagNet (<see cref="LogitCorrelation"/> with per-class accuracy), feature
/// sensitivity by masking the patches the BagNet's evidence ranks highest against a random order (<see cref="FeatureSensitivity"/>),
/// and interactions between image parts (<see cref="Interactions"/>). The paper's exact protocols are unknown; the options are ours.
/// </summary>
public static class BagNetComparison
{
    /// <summary>The stages, for progress reports.</summary>
    public static IReadOnlyList<string> Stages { get; } = ["error distribution", "masking", "interactions"];

    /// <summary>
    /// Runs the comparison of <paramref name="bagnet"/> with <paramref name="models"/> on <paramref name="data"/> (ImageNet WNID
    /// folders, or classes all the networks name). With <paramref name="folder"/> the interaction measurements of each network are
    /// kept in <c>folder/interactions/&lt;name&gt;/</c> as they are made, so a stopped run goes on where it stopped (<paramref name="weights"/>:
    /// per network, what identifies its weights, so that changed weights are not mixed with old measurements). Every network is
    /// moved to <paramref name="device"/> (null: each runs where it is) for the three comparisons.
    /// </summary>
    public static BagNetComparisonResult Run(RobustnessModel bagnet, IReadOnlyList<RobustnessModel> models, string data, Preprocessing geometry,
        BagNetComparisonOptions? options = null, string? folder = null, Action<string, int, int>? progress = null, Action<ImageFailure>? onFailure = null,
        CancellationToken cancel = default, IReadOnlyDictionary<string, string>? weights = null, Device? device = null)
    {
        options ??= new BagNetComparisonOptions();
        if (bagnet.Model is not BagNet net) throw new TextureBiasException($"{bagnet.Name} is not a BagNet");
        if (models.Count == 0) throw new TextureBiasException("give at least one network to compare with the BagNet");
        var images = ImageFolder.Open(new[] { data });
        var files = EvenSpread.Of(images.Samples.Select(s => s.Path).ToList(), options.Images);
        var preprocessing = geometry;

        var errors = new List<(string, LogitCorrelationResult)>();
        for (int m = 0; m < models.Count; m++)
        {
            cancel.ThrowIfCancellationRequested();
            int offset = m * 2 * files.Count;
            errors.Add((models[m].Name, LogitCorrelation.Compare(bagnet.Model, models[m].Model, files, preprocessing with { Mean = models[m].Normalization.Mean, Std = models[m].Normalization.Std },
                options.BatchSize, onFailure, cancel, n => progress?.Invoke(Stages[0], offset + n, 2 * files.Count * models.Count), images, device)));
        }

        var everyone = new[] { bagnet }.Concat(models).ToList();
        var masking = FeatureSensitivity.Run(everyone, data, geometry, [PatchRanking.ByBagNet(bagnet.Name, net), PatchRanking.Random],
            options.Masking with { MaxImages = files.Count }, onFailure, n => progress?.Invoke(Stages[1], n, files.Count), cancel, device);

        var interactionFiles = files.Take(Math.Max(1, options.InteractionImages)).ToList();
        var interactions = new List<(string, InteractionResult)>();
        for (int m = 0; m < everyone.Count; m++)
        {
            cancel.ThrowIfCancellationRequested();
            var model = everyone[m];
            var store = folder is null ? null : InteractionStore.Open(Path.Combine(folder, "interactions", FileNameText.Of(model.Name)),
                new InteractionRun(model.Name, Path.GetFullPath(data), interactionFiles.Count, geometry.ToString(), InteractionStore.Describe(options.Interactions),
                weights?.GetValueOrDefault(model.Name) ?? model.Model.Architecture));
            int offset = m * interactionFiles.Count;
            interactions.Add((model.Name, Interactions.Run(model.Model, interactionFiles, geometry with { Mean = model.Normalization.Mean, Std = model.Normalization.Std },
                options.Interactions, images, onFailure, n => progress?.Invoke(Stages[2], offset + n, interactionFiles.Count * everyone.Count), cancel, store, device)));
        }
        return new BagNetComparisonResult(bagnet.Name, errors, masking, interactions);
    }

}
