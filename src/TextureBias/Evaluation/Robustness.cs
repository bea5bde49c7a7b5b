using TextureBias.Data;
using TextureBias.Distortions;
using TextureBias.Imaging;
using TextureBias.Models;

namespace TextureBias.Evaluation;

/// <summary>Accuracy of a model under one of the reference's distortions at several levels (Geirhos et al.).</summary>
public static class Robustness
{
    /// <summary>
    /// Top-1/top-5 on <paramref name="data"/> at each level. Each image is resized and cropped, then
    /// distorted exactly as the reference generation code does (grey first where it is) and rounded to 8
    /// bits as its stimuli were saved. Noise: numpy's <c>RandomState(numpySeed)</c> per image when
    /// given, else our generator seeded by <paramref name="seed"/>, the image and the level.
    /// </summary>
    public static IReadOnlyList<(DistortionLevel Level, EvaluationResult Result)> Evaluate(ImageClassifier model, ImageFolder data, Preprocessing preprocessing,
        IDistortion distortion, IReadOnlyList<DistortionLevel> levels, int seed = 0, long? numpySeed = null, int batchSize = 32,
        Action<ImageFailure>? onFailure = null, CancellationToken cancel = default, Action<int>? progress = null)
    {
        var results = new List<(DistortionLevel, EvaluationResult)>();
        for (int l = 0; l < levels.Count; l++)
        {
            var level = levels[l];
            int index = l;
            var result = Evaluator.Run(model, data,
                (image, position) =>
                {
                    var shown = FloatImage.FromRgb(preprocessing.Geometry(image));
                    var noise = NoiseSeeds.For(numpySeed, seed, data.Samples[position].Path, level);
                    return distortion.Apply(shown, level, noise).ToRgb();
                },
                batchSize, onFailure, done => progress?.Invoke(index * data.Samples.Count + done), cancel, preprocessing);
            results.Add((level, result));
        }
        return results;
    }
}
