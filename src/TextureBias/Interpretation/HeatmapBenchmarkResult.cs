namespace TextureBias.Interpretation;

/// <summary>
/// Seconds per heatmap of the dense method and of the official patch-by-patch method;
/// <see cref="Evaluation.BenchmarkLine.Gflops"/> is the dense map's (<see cref="DenseGmacs"/> in <see cref="DenseS"/>).
/// </summary>
/// <param name="Arch">BagNet variant.</param>
/// <param name="Size">Image side in pixels.</param>
/// <param name="PatchSize">q.</param>
/// <param name="Threads">LibTorch intra-op threads.</param>
/// <param name="DenseS">Seconds for the whole dense map (one class).</param>
/// <param name="PatchByPatchS">Seconds for the whole map patch by patch (extrapolated when <paramref name="PatchByPatchExtrapolated"/>).</param>
/// <param name="PatchByPatchExtrapolated">Whether only <paramref name="PatchesMeasured"/> of <paramref name="PatchesTotal"/> patches were timed and the time scaled up.</param>
/// <param name="PatchesMeasured">Patches classified one by one.</param>
/// <param name="PatchesTotal">Patches in the map (one per pixel).</param>
/// <param name="Speedup">PatchByPatchS / DenseS.</param>
/// <param name="MaxAbsDifference">Largest |dense − patch-by-patch| over the measured patches.</param>
public sealed record HeatmapBenchmarkResult(string Arch, int Size, int PatchSize, int Threads, double DenseS, double PatchByPatchS,
    bool PatchByPatchExtrapolated, long PatchesMeasured, long PatchesTotal, double Speedup, double MaxAbsDifference) : Evaluation.BenchmarkLine
{
    /// <inheritdoc />
    public override string Bench => "heatmap";

    /// <summary>Multiply–accumulates the dense map did (its convolutions and classifier, as <see cref="DenseBagNet"/> counts them), in billions.</summary>
    public double DenseGmacs { get; init; }

    /// <summary>The device both methods ran on (cpu, cuda:N).</summary>
    public string Device { get; init; } = "cpu";
}
