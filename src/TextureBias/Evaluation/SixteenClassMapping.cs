using System.Reflection;
using System.Text.Json;

namespace TextureBias.Evaluation;

/// <summary>
/// The 16 entry-level categories of the texture-vs-shape studies and their ImageNet classes
/// (texture-vs-shape's <c>human_categories.py</c>, bundled as Resources/sixteen-class-mapping.json). A model's decision
/// is the category with the highest MEAN softmax probability over its classes; the first
/// maximum in alphabetical order wins.
/// </summary>
public static class SixteenClassMapping
{
    private static readonly Lazy<(string[] Names, int[][] Indices)> Data = new(Load);

    /// <summary>The categories in alphabetical order (airplane … truck).</summary>
    public static IReadOnlyList<string> Categories => Data.Value.Names;

    /// <summary>The ImageNet indices of each category.</summary>
    public static IReadOnlyList<int> IndicesOf(int category) => Data.Value.Indices[category];

    /// <summary>The category (index into <see cref="Categories"/>) an ImageNet class belongs to, or null when it belongs to none.</summary>
    public static int? CategoryOfImageNetIndex(int index)
    {
        var indices = Data.Value.Indices;
        for (int c = 0; c < indices.Length; c++)
            if (Array.IndexOf(indices[c], index) >= 0) return c;
        return null;
    }

    /// <summary>The score of each category: the mean of <paramref name="probabilities"/> (1000 softmax values) over its classes.</summary>
    public static double[] Scores(ReadOnlySpan<float> probabilities)
    {
        if (probabilities.Length != 1000) throw new ArgumentException($"expected 1000 ImageNet probabilities, got {probabilities.Length}");
        var (names, indices) = Data.Value;
        var scores = new double[names.Length];
        for (int c = 0; c < names.Length; c++)
        {
            double sum = 0;
            foreach (var i in indices[c]) sum += probabilities[i];
            scores[c] = sum / indices[c].Length;
        }
        return scores;
    }

    /// <summary>The decided category (index into <see cref="Categories"/>): highest mean probability, first maximum wins.</summary>
    public static int Decide(ReadOnlySpan<float> probabilities)
    {
        var scores = Scores(probabilities);
        int best = 0;
        for (int c = 1; c < scores.Length; c++)
            if (scores[c] > scores[best]) best = c;
        return best;
    }

    /// <summary>The decided category for a model's 1000 logits (softmax first, as the analyses take probabilities).</summary>
    public static int DecideFromLogits(IReadOnlyList<float> logits)
    {
        double max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = exp.Sum();
        return Decide(exp.Select(e => (float)(e / sum)).ToArray());
    }

    private static (string[], int[][]) Load()
    {
        var asm = Assembly.GetExecutingAssembly();
        var name = asm.GetManifestResourceNames().Single(n => n.EndsWith("sixteen-class-mapping.json", StringComparison.Ordinal));
        using var stream = asm.GetManifestResourceStream(name)!;
        using var doc = JsonDocument.Parse(stream);
        var order = doc.RootElement.GetProperty("_category_order").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var categories = doc.RootElement.GetProperty("categories");
        var indices = order.Select(c => categories.GetProperty(c).GetProperty("imagenet_indices").EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();
        return (order, indices);
    }
}
