namespace TextureBias.Comparison;

/// <summary>The interaction statistics of one gap bin, over every pair and image (and every logit with <see cref="InteractionOptions.AllLogits"/>).</summary>
/// <param name="Low">The smallest gap of the bin, in pixels.</param>
/// <param name="High">The first gap past the bin (null: open-ended).</param>
/// <param name="Pairs">Pairs measured.</param>
/// <param name="Values">Values the statistics are over (pairs, or pairs × logits).</param>
/// <param name="Correlation">Pearson r between Δ({p,q}) and Δ({p}) + Δ({q}); NaN with fewer than two values or no variance.</param>
/// <param name="MeanNonAdditivity">Mean of |Δ({p,q}) − Δ({p}) − Δ({q})|.</param>
/// <param name="MeanJoint">Mean of |Δ({p,q})|.</param>
public sealed record InteractionBin(int Low, int? High, int Pairs, long Values, double Correlation, double MeanNonAdditivity, double MeanJoint)
{
    /// <summary>The non-additivity relative to the joint change: mean |Δ({p,q}) − Δ({p}) − Δ({q})| / mean |Δ({p,q})| (NaN when the latter is 0).</summary>
    public double RelativeNonAdditivity => MeanJoint > 0 ? MeanNonAdditivity / MeanJoint : double.NaN;

    /// <summary>The bin as text: "8–15", "≥128".</summary>
    public string Label => High is { } h ? (h - 1 == Low ? $"{Low}" : $"{Low}–{h - 1}") : $"≥{Low}";
}
