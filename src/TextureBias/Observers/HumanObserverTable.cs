namespace TextureBias.Observers;

/// <summary>The human observers' trials per experiment (see <see cref="HumanObservers"/>); image names are model-vs-human's short ids.</summary>
/// <param name="Trials">Per experiment, every trial of every subject.</param>
public sealed record HumanObserverTable(IReadOnlyDictionary<string, IReadOnlyList<RawTrial>> Trials)
{
    /// <summary>The experiments held.</summary>
    public IReadOnlyList<string> Experiments => Trials.Keys.ToList();

    /// <summary>The trials of one experiment; an unknown name is a <see cref="TextureBiasException"/> listing the known ones.</summary>
    public IReadOnlyList<RawTrial> Of(string experiment) => Trials.TryGetValue(experiment, out var t) ? t
        : throw new TextureBiasException($"no human data for experiment '{experiment}' (known: {string.Join(", ", Trials.Keys)})");

    /// <summary>Accuracy per subject and condition of one experiment, then pooled over the subjects (observer "pooled").</summary>
    public List<ConditionAccuracy> Accuracy(string experiment) => RawData.Accuracy(Of(experiment));
}
