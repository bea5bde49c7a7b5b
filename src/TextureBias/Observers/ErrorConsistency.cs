namespace TextureBias.Observers;

/// <summary>
/// Error consistency (Geirhos, Meding &amp; Wichmann, NeurIPS 2020), as bethgelab/model-vs-human computes it
/// (<c>plotting/analyses.py</c>, <c>ErrorConsistency</c>): two observers' trials are matched by condition and image id
/// (<see cref="RawData.ShortImageName"/>); c_obs is the fraction of matched trials both decided correctly or both wrongly,
/// c_exp = p1·p2 + (1−p1)(1−p2) from their accuracies on those trials, and kappa = (c_obs − c_exp)/(1 − c_exp), defined as 1
/// when c_obs = 1 (which covers c_exp = 1: both always right or both always wrong).
/// Like the reference, which asserts that both observers have the same image ids, an image that only one observer saw in a
/// condition is an error unless <c>allowUnmatched</c> (then it is left out and counted); an image twice in one observer's
/// condition is always an error.
/// </summary>
public static class ErrorConsistency
{
    /// <summary>Cohen's kappa from the observed and expected consistency (1 when <paramref name="observed"/> is 1).</summary>
    public static double Kappa(double observed, double expected)
    {
        if (observed is < 0 or > 1 || expected is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(observed), "consistencies lie in [0, 1]");
        return observed == 1.0 ? 1.0 : (observed - expected) / (1.0 - expected);
    }

    /// <summary>The consistency of two observers' correct/wrong outcomes on the same trials, in order.</summary>
    public static ConditionConsistency Of(string condition, IReadOnlyList<bool> a, IReadOnlyList<bool> b)
    {
        if (a.Count != b.Count) throw new ArgumentException("both observers need the same number of trials");
        if (a.Count == 0) throw new ArgumentException("no trials");
        int n = a.Count, same = 0, ca = 0, cb = 0;
        for (int i = 0; i < n; i++)
        {
            if (a[i] == b[i]) same++;
            if (a[i]) ca++;
            if (b[i]) cb++;
        }
        double p1 = (double)ca / n, p2 = (double)cb / n, observed = (double)same / n, expected = p1 * p2 + (1 - p1) * (1 - p2);
        return new ConditionConsistency(condition, n, p1, p2, observed, expected, Kappa(observed, expected));
    }

    /// <summary>The error consistency of two observers, per condition and over all matched trials.</summary>
    public static ConsistencyResult Compute(string nameA, IReadOnlyList<RawTrial> a, string nameB, IReadOnlyList<RawTrial> b, bool allowUnmatched = false)
    {
        var byA = Index(nameA, a);
        var byB = Index(nameB, b);
        var conditions = byA.Keys.Union(byB.Keys).Order(ConditionOrder.Instance).ToList();
        var per = new List<ConditionConsistency>();
        var allA = new List<bool>();
        var allB = new List<bool>();
        int unmatched = 0;
        foreach (var c in conditions)
        {
            byA.TryGetValue(c, out var ia);
            byB.TryGetValue(c, out var ib);
            ia ??= [];
            ib ??= [];
            var common = ia.Keys.Where(ib.ContainsKey).Order(StringComparer.Ordinal).ToList();
            int missing = ia.Count + ib.Count - 2 * common.Count;
            if (missing > 0 && !allowUnmatched)
            {
                var (who, other, example) = ia.Keys.FirstOrDefault(k => !ib.ContainsKey(k)) is { } k1 ? (nameA, nameB, k1) : (nameB, nameA, ib.Keys.First(k => !ia.ContainsKey(k)));
                throw new TextureBiasException($"{who} and {other} did not see the same images under condition '{c}': {missing} trial(s) unmatched, e.g. {example} ({who} only)");
            }
            unmatched += missing;
            if (common.Count == 0) continue;
            var ra = common.Select(k => ia[k]).ToList();
            var rb = common.Select(k => ib[k]).ToList();
            per.Add(Of(c, ra, rb));
            allA.AddRange(ra);
            allB.AddRange(rb);
        }
        if (allA.Count == 0) throw new TextureBiasException($"{nameA} and {nameB} have no image in common");
        return new ConsistencyResult(nameA, nameB, Of("all", allA, allB), per.Average(p => p.Kappa), per, unmatched);
    }

    /// <summary>
    /// The error consistency of every pair of <paramref name="observers"/>; the matrix holds the mean of the per-condition kappas
    /// (kappa over all trials pooled is inflated when conditions differ in difficulty: both observers err more under the hard ones).
    /// </summary>
    public static ConsistencyMatrix Matrix(IReadOnlyList<(string Name, IReadOnlyList<RawTrial> Trials)> observers, bool allowUnmatched = false)
    {
        if (observers.Count < 2) throw new TextureBiasException($"error consistency needs at least two observers, not {observers.Count}");
        var duplicate = observers.GroupBy(o => o.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new TextureBiasException($"two observers are named '{duplicate.Key}'");
        int n = observers.Count;
        var kappa = new double[n][];
        for (int i = 0; i < n; i++) { kappa[i] = new double[n]; kappa[i][i] = 1; }
        var pairs = new List<ConsistencyResult>();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                var r = Compute(observers[i].Name, observers[i].Trials, observers[j].Name, observers[j].Trials, allowUnmatched);
                kappa[i][j] = kappa[j][i] = r.MeanKappa;
                pairs.Add(r);
            }
        return new ConsistencyMatrix(observers.Select(o => o.Name).ToList(), kappa, pairs);
    }

    /// <summary>Observers of raw-data trials: one per subject (<c>subj</c>), in order of appearance.</summary>
    public static List<(string Name, IReadOnlyList<RawTrial> Trials)> BySubject(IEnumerable<RawTrial> trials) =>
        trials.GroupBy(t => t.Subject).Select(g => (g.Key, (IReadOnlyList<RawTrial>)g.ToList())).ToList();

    private static Dictionary<string, Dictionary<string, bool>> Index(string name, IReadOnlyList<RawTrial> trials)
    {
        var result = new Dictionary<string, Dictionary<string, bool>>();
        foreach (var t in trials)
        {
            if (!result.TryGetValue(t.Condition, out var images)) result[t.Condition] = images = new Dictionary<string, bool>(StringComparer.Ordinal);
            if (!images.TryAdd(t.ImageId, t.Correct))
                throw new TextureBiasException($"{name} has image {t.ImageId} twice under condition '{t.Condition}': trials cannot be matched by image");
        }
        return result;
    }
}
