namespace TextureBias.Demo;

/// <summary>What the demo's detection section produced.</summary>
/// <param name="Detectors">The detectors and their AP, natural-backbone first.</param>
/// <param name="StylizedBetter">Whether the detector on the stylized-trained backbone reached a higher mAP than the one on the natural-trained backbone by more than <see cref="Margin"/> points (the paper's finding).</param>
/// <param name="Finding">One sentence saying plainly whether the miniature agrees with the paper.</param>
/// <param name="Table">The mAP table as plain text.</param>
/// <param name="Figure">Detections on a few test scenes (PNG).</param>
/// <param name="TrainScenes">Scenes trained on.</param>
/// <param name="TestScenes">Scenes evaluated.</param>
/// <param name="ChanceMeanAp">The mAP of boxes placed at random (<see cref="DetectionDemo.ChanceMeanAp"/>): what a detector that learned nothing reaches.</param>
public sealed record DetectionDemoResult(IReadOnlyList<DetectorResult> Detectors, bool StylizedBetter, string Finding, string Table, string Figure, int TrainScenes, int TestScenes,
    double ChanceMeanAp)
{
    /// <summary>mAP points by which one backbone must beat the other to count as better (a difference smaller than this is within the run-to-run noise of so small a test set).</summary>
    public const double Margin = 2;
}
