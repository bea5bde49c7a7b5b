using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Models.Zoo;

namespace TextureBias.Cli.Commands;

/// <summary>Builds a model by name and loads its weights, as every command does.</summary>
internal static class ModelLoading
{
    /// <summary>
    /// The model with its weights: <paramref name="weights"/> is a file or a registered name
    /// (fetched on first use). The architecture comes from <paramref name="arch"/>, else from the
    /// registry or the file; classes and width are read from the file unless
    /// <paramref name="numClasses"/> is given. Without weights, random weights and a warning.
    /// </summary>
    public static ImageClassifier Load(string? arch, string? weights, int? numClasses = null)
    {
        if (weights is not null)
        {
            var registered = ZooAccess.Registered(weights);
            if (registered is not null && arch is not null && registered.Kind == WeightKind.Classifier
                && !arch.Equals(registered.Architecture, StringComparison.OrdinalIgnoreCase))
                throw new TextureBiasException($"--weights {registered.Name} are {registered.Architecture} weights, not {arch} (leave out --arch)");
            string path = ZooAccess.Resolve(weights, WeightKind.Classifier);
            return ModelWeights.LoadClassifier(arch ?? registered?.Architecture, path, numClasses);
        }
        if (arch is null) throw new TextureBiasException("give --weights (a file or a name from `texturebias weights list`) or --arch");
        var model = Architectures.Create(arch, numClasses ?? 1000);
        CommandRunner.Warn($"no --weights given: {arch} has random weights, so its predictions mean nothing");
        model.eval();
        return model;
    }

    /// <summary>
    /// <see cref="Load"/> for commands that need a BagNet (<paramref name="purpose"/>): a registered
    /// or given architecture that is not one is refused before anything is downloaded or read.
    /// </summary>
    public static BagNet LoadBagNet(string? arch, string? weights, string purpose)
    {
        string? known = arch ?? ZooAccess.Registered(weights)?.Architecture;
        if (known is not null && !known.StartsWith("bagnet", StringComparison.OrdinalIgnoreCase))
            throw new TextureBiasException($"{purpose} need a BagNet (bagnet9, bagnet17, bagnet33), not {known}");
        var model = Load(arch, weights);
        if (model is BagNet bagnet) return bagnet;
        string other = model.Architecture;
        model.Dispose();
        throw new TextureBiasException($"{purpose} need a BagNet (bagnet9, bagnet17, bagnet33), not {other}");
    }

    /// <summary>The name of the weights <paramref name="weights"/> in results: the registered name, else the file's name without its extension.</summary>
    public static string WeightsName(string weights) =>
        ZooAccess.Registered(weights)?.Name ?? Path.GetFileNameWithoutExtension(weights.TrimEnd('/'));

    /// <summary>A model's name in results: the registered weights' name if one was given, else its architecture.</summary>
    public static string Label(string architecture, string? weights) =>
        ZooAccess.Registered(weights)?.Name ?? architecture;
}
