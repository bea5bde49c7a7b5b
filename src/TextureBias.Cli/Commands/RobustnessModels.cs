using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;

namespace TextureBias.Cli.Commands;

/// <summary>The models of a <c>robustness</c> run: every --weights and --onnx entry (or --arch alone, with random weights), named for the results.</summary>
internal static class RobustnessModels
{
    /// <summary>
    /// Loads the models; each is named by its registered name or its file name without extension (files of the same name
    /// are told apart by their folder). Inputs are normalised as each checkpoint records, else with ImageNet's mean and std.
    /// </summary>
    public static List<RobustnessModel> Load(string? arch, string? weights, string? onnx, Preprocessing geometry)
    {
        static string[] Split(string? list) => list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var weightList = Split(weights);
        var onnxList = Split(onnx);
        var sources = weightList.Select(w => (Source: w, Onnx: false)).Concat(onnxList.Select(o => (Source: o, Onnx: true))).ToList();
        if (arch is not null && weightList.Length == 0 && onnxList.Length > 0)
            throw new TextureBiasException("--arch names the architecture of --weights files; an ONNX model brings its own");
        if (sources.Count == 0)
        {
            if (arch is null) throw new TextureBiasException("give the models: --weights A[,B...] and/or --onnx A.onnx[,B.onnx...] (or --arch for random weights)");
            sources.Add((arch, false));
        }
        var names = Names(sources.Select(s => s.Source).ToList(), weights is null && onnx is null);
        var models = new List<RobustnessModel>();
        try
        {
            for (int i = 0; i < sources.Count; i++)
            {
                var (source, isOnnx) = sources[i];
                ImageClassifier model = isOnnx ? OnnxClassifier.Load(source) : ModelLoading.Load(arch, weightList.Length == 0 ? null : source);
                models.Add(new RobustnessModel(names[i], model, model.Metadata.EvaluationOr(geometry)));
            }
        }
        catch
        {
            foreach (var m in models) m.Model.Dispose();
            throw;
        }
        return models;
    }

    static List<string> Names(IReadOnlyList<string> sources, bool architectureOnly)
    {
        if (architectureOnly) return sources.ToList();
        string Short(string s) => ModelLoading.WeightsName(s);
        string Long(string s) => ZooAccess.Registered(s)?.Name
            ?? Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(s)) ?? "") + "/" + Path.GetFileNameWithoutExtension(s);
        var shortNames = sources.Select(Short).ToList();
        var names = sources.Select((s, i) => shortNames.Count(n => n == shortNames[i]) > 1 ? Long(s) : shortNames[i]).ToList();
        var twice = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new TextureBiasException($"two models would both be called '{twice.Key}': give each model once");
        return names;
    }
}
