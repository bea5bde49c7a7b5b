namespace TextureBias.Comparison;

/// <summary>The logit changes of one pair of masked patches on one image, for the target class: Δ(S) = f(x) − f(x with S masked).</summary>
/// <param name="Image">The image file.</param>
/// <param name="Pair">The two patches.</param>
/// <param name="Bin">The gap bin of the pair.</param>
/// <param name="Target">The class whose logit is reported (the true class, else the clean top-1).</param>
/// <param name="DeltaP">Δ({p}).</param>
/// <param name="DeltaQ">Δ({q}).</param>
/// <param name="DeltaPQ">Δ({p,q}).</param>
public sealed record InteractionPairResult(string Image, PatchPair Pair, int Bin, int Target, float DeltaP, float DeltaQ, float DeltaPQ)
{
    /// <summary>The non-additivity Δ({p,q}) − Δ({p}) − Δ({q}).</summary>
    public double NonAdditivity => (double)DeltaPQ - DeltaP - DeltaQ;
}
