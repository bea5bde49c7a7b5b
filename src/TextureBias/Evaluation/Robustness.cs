using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;

namespace TextureBias.Evaluation;

/// <summary>Accuracy of a model under a distortion at several levels (Geirhos et al.).</summary>
public static class Robustness
{
    /// <summary>
    /// Top-1/top-5 on <paramref name="data"/> at each level; noise is seeded per level and image.
    /// With <paramref name="greyscale"/> (the papers' setting) images are made grey first, at every level.
    /// </summary>
    public static IReadOnlyList<(double Level, EvaluationResult Result)> Evaluate(ImageClassifier model, ImageFolder data, Preprocessing preprocessing,
        string distortion, IReadOnlyList<double> levels, int seed = 0, int batchSize = 32, Action<ImageFailure>? onFailure = null, CancellationToken cancel = default,
        Action<int>? progress = null, bool greyscale = true)
    {
        var results = new List<(double, EvaluationResult)>();
        for (int l = 0; l < levels.Count; l++)
        {
            double level = levels[l];
            int index = l;
            var result = Evaluator.Run(model, data,
                (image, position) =>
                {
                    var shown = preprocessing.Geometry(image);
                    if (greyscale) shown = Distortions.Greyscale(shown); // as the papers' stimuli, at every level
                    return Distortions.Apply(shown, distortion, level, new Random(Seeds.Mix(seed, index, position)));
                },
                batchSize, onFailure, done => progress?.Invoke(index * data.Samples.Count + done), cancel, preprocessing);
            results.Add((level, result));
        }
        return results;
    }
}
