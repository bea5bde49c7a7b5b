using TextureBias.Models;
using TextureBias.Models.Serialization;

namespace TextureBias.Cli.Commands;

/// <summary>Builds a model by name and loads its weights, as every command does.</summary>
internal static class ModelLoading
{
    public static ImageClassifier Load(string arch, string? weights, int numClasses = 1000)
    {
        var model = Architectures.Create(arch, numClasses);
        if (weights is null)
            CommandRunner.Warn($"no --weights given: {arch} has random weights, so its predictions mean nothing");
        else
            ModelWeights.Load(model, weights);
        model.eval();
        return model;
    }
}
