namespace TextureBias.Demo;

/// <summary>What a demo run produced.</summary>
/// <param name="Models">The four networks and their numbers.</param>
/// <param name="Findings">Whether the papers' findings were reproduced.</param>
/// <param name="Report">The HTML report.</param>
/// <param name="Table">The results as a plain-text table.</param>
public sealed record DemoResult(IReadOnlyList<DemoModelResult> Models, DemoFindings Findings, string Report, string Table)
{
    /// <summary>The detection section's results (<c>demo --detection</c>), or null when it was not asked for.</summary>
    public DetectionDemoResult? Detection { get; init; }
}
