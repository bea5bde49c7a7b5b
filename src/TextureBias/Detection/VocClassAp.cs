namespace TextureBias.Detection;

/// <summary>The average precision of one class.</summary>
/// <param name="ClassName">The class.</param>
/// <param name="Ap">Average precision in [0, 1]; <see cref="double.NaN"/> when the class has no ground truth that is not difficult (see <see cref="VocAp"/>).</param>
/// <param name="GroundTruths">Ground-truth objects of the class that are not difficult (voc_eval's <c>npos</c>).</param>
/// <param name="Detections">Detections of the class scored.</param>
/// <param name="TruePositives">Detections that matched a not-yet-matched, not-difficult ground truth.</param>
/// <param name="FalsePositives">Detections that matched nothing, only an already-matched object, or nothing above the threshold (detections on difficult objects are neither).</param>
public sealed record VocClassAp(string ClassName, double Ap, int GroundTruths, int Detections, int TruePositives, int FalsePositives);
