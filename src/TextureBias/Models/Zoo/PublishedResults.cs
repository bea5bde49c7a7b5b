namespace TextureBias.Models.Zoo;

/// <summary>What the authors (or a named re-evaluation) report for a set of weights; null where nothing is published.</summary>
/// <param name="Top1">ImageNet top-1 accuracy in percent (resize 256, centre crop 224).</param>
/// <param name="Top5">ImageNet top-5 accuracy in percent.</param>
/// <param name="ShapeBias">Shape bias on the cue-conflict stimuli in percent.</param>
/// <param name="Source">Where the numbers come from.</param>
/// <param name="BoxAp">A detector's COCO box AP (IoU 0.50:0.95, val2017) in percent.</param>
public sealed record PublishedResults(double? Top1 = null, double? Top5 = null, double? ShapeBias = null, string? Source = null, double? BoxAp = null);
