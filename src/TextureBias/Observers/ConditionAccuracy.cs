namespace TextureBias.Observers;

/// <summary>The accuracy of one observer (or the pooled observers) in one condition.</summary>
/// <param name="Observer">The observer, or "pooled".</param>
/// <param name="Condition">The condition.</param>
/// <param name="Trials">The trials.</param>
/// <param name="Correct">The correct trials.</param>
public sealed record ConditionAccuracy(string Observer, string Condition, int Trials, int Correct)
{
    /// <summary>Correct / trials (NaN without trials).</summary>
    public double Accuracy => Trials == 0 ? double.NaN : (double)Correct / Trials;
}
