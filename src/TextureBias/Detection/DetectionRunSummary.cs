namespace TextureBias.Detection;

/// <summary>What <see cref="DetectionEvaluation.Detect"/> did.</summary>
/// <param name="Detected">Images run through the detector now.</param>
/// <param name="Skipped">Images that could not be read.</param>
/// <param name="AlreadyDone">Images whose detections an earlier, interrupted run had written.</param>
public sealed record DetectionRunSummary(int Detected, int Skipped, int AlreadyDone);
