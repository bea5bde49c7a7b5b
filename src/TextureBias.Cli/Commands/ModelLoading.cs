using TextureBias.Models;
using TextureBias.Models.Serialization;

namespace TextureBias.Cli.Commands;

/// <summary>Builds a model by name and loads its weights, as every command does.</summary>
internal static class ModelLoading
{
    /// <summary>
    /// The model with its weights (classes and width read from the file unless
    /// <paramref name="numClasses"/> is given), or with random weights and a warning.
    /// </summary>
    public static ImageClassifier Load(string arch, string? weights, int? numClasses = null)
    {
        if (weights is not null) return ModelWeights.LoadClassifier(arch, weights, numClasses);
        var model = Architectures.Create(arch, numClasses ?? 1000);
        CommandRunner.Warn($"no --weights given: {arch} has random weights, so its predictions mean nothing");
        model.eval();
        return model;
    }
}
