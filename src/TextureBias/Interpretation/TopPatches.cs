namespace TextureBias.Interpretation;

/// <summary>
/// The <see cref="Capacity"/> highest-logit patches seen so far (ties: the earlier one stays),
/// in bounded memory however many are offered.
/// </summary>
public sealed class TopPatches
{
    private readonly List<PatchHit> _best = new();

    /// <summary>Keeps at most <paramref name="capacity"/> patches.</summary>
    public TopPatches(int capacity)
    {
        if (capacity < 1) throw new ArgumentException("capacity must be at least 1");
        Capacity = capacity;
    }

    /// <summary>How many patches are kept.</summary>
    public int Capacity { get; }

    /// <summary>The kept patches, highest logit first.</summary>
    public IReadOnlyList<PatchHit> Best => _best;

    /// <summary>Offers a patch; it is kept if it is among the best so far.</summary>
    public void Offer(PatchHit hit)
    {
        if (float.IsNaN(hit.Logit)) return;
        if (_best.Count == Capacity && hit.Logit <= _best[^1].Logit) return;
        int i = _best.FindIndex(b => hit.Logit > b.Logit);
        if (i < 0) i = _best.Count;
        _best.Insert(i, hit);
        if (_best.Count > Capacity) _best.RemoveAt(_best.Count - 1);
    }
}
