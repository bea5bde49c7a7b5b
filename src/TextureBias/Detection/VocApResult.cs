namespace TextureBias.Detection;

/// <summary>Per-class average precision and their mean, as py-faster-rcnn's <c>voc_eval</c> reports them.</summary>
/// <param name="Classes">Each class, in the order asked for.</param>
/// <param name="MeanAp">Mean of the classes' AP over the classes that have ground truth (<see cref="double.NaN"/> if none has).</param>
/// <param name="Metric">The AP metric used.</param>
/// <param name="IouThreshold">The overlap a detection needed (strictly more than this) to match.</param>
public sealed record VocApResult(IReadOnlyList<VocClassAp> Classes, double MeanAp, VocApMetric Metric, double IouThreshold);
