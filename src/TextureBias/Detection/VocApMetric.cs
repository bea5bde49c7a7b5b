namespace TextureBias.Detection;

/// <summary>How the average precision is computed from a class's precision/recall curve (py-faster-rcnn's <c>voc_ap</c>).</summary>
public enum VocApMetric
{
    /// <summary>VOC2007's 11-point metric: the mean over recall thresholds 0, 0.1, …, 1 of the highest precision at recall ≥ the threshold (<c>use_07_metric=True</c>).</summary>
    ElevenPoint,

    /// <summary>The area under the monotone precision envelope, summed at every point where recall changes (VOC2010 and later; <c>use_07_metric=False</c>).</summary>
    Area,
}
