using static TorchSharp.torch;

namespace TextureBias.Evaluation;

/// <summary>pytorch/examples' <c>accuracy(output, target, topk)</c>: whether each target is among the k highest logits.</summary>
public static class TopK
{
    /// <summary>The index of the largest of the first <paramref name="count"/> logits (the first such on ties).</summary>
    public static int Best(IReadOnlyList<float> logits, int count)
    {
        int best = 0;
        for (int k = 1; k < count; k++) if (logits[k] > logits[best]) best = k;
        return best;
    }

    /// <summary>For each row of <paramref name="logits"/> [N,C], whether <paramref name="targets"/>[i] is among its top <paramref name="k"/>.</summary>
    public static bool[] Hits(Tensor logits, IReadOnlyList<int> targets, int k)
    {
        if (logits.dim() != 2 || logits.shape[0] != targets.Count) throw new ArgumentException("logits [N,C] and N targets are needed");
        using var scope = NewDisposeScope();
        int kk = (int)Math.Min(k, logits.shape[1]);
        var top = logits.topk(kk, 1).indexes.data<long>().ToArray();
        var hits = new bool[targets.Count];
        for (int i = 0; i < targets.Count; i++)
            for (int j = 0; j < kk; j++)
                if (top[i * kk + j] == targets[i]) { hits[i] = true; break; }
        return hits;
    }
}
