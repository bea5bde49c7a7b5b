using TextureBias.Data;

namespace TextureBias.Detection;

/// <summary>
/// PASCAL VOC average precision, as py-faster-rcnn's <c>voc_eval</c> and <c>voc_ap</c>
/// (lib/datasets/voc_eval.py, the official VOC devkit's algorithm) compute it.
/// </summary>
/// <remarks>
/// <para>Per class: the class's detections are ranked by decreasing score; each is compared with the
/// ground truths of that class in its image by IoU with the VOC +1 pixel convention (boxes are inclusive
/// pixel ranges: width = x2 − x1 + 1, intersection width = max(min x2 − max x1 + 1, 0)); the ground truth
/// of highest IoU (the first of equal ones) is its match if the IoU is strictly above the threshold.
/// A match to a difficult ground truth is neither a true nor a false positive; a match to a ground truth
/// already matched by a higher-ranked detection is a false positive; no match is a false positive.
/// Recall = cumulative TP / (ground truths that are not difficult); precision = cumulative TP /
/// max(cumulative TP + FP, ε); then <see cref="Ap(IReadOnlyList{double}, IReadOnlyList{double}, VocApMetric)"/>.</para>
/// <para>Ties in score: detections of equal score keep the order in which they were given (a stable
/// sort, as the MATLAB devkit's <c>sort</c>). <c>voc_eval</c> uses numpy's default <c>argsort</c>, which is
/// stable only for up to 16 detections; with more, the order of tied detections there is
/// implementation-defined, and with it, when tied detections fall on the same object, which one is the TP.</para>
/// <para>The arithmetic is <c>voc_eval</c>'s, including numpy's thresholds <c>np.arange(0, 1.1, 0.1)</c> and
/// <c>np.sum</c>'s pairwise summation, so the APs equal its own bit for bit (checked on random detections
/// against numpy 1.24) whenever no two detections of a class tie in score.</para>
/// <para>A class with no ground truth that is not difficult has an undefined AP: it is reported as
/// <see cref="double.NaN"/> and left out of the mean AP. (<c>voc_eval</c> divides by npos = 0 there:
/// recall is NaN, so its 11-point AP is 0 and its area AP NaN.)</para>
/// <para>Detections of classes not asked for are ignored (<c>voc_eval</c> reads one class's detections at a
/// time). A detection on an image absent from the ground truth is an error, as in <c>voc_eval</c>
/// (images without objects must be present with an empty list).</para>
/// </remarks>
public static class VocAp
{
    /// <summary>The overlap threshold of VOC and of mAP@0.5.</summary>
    public const double DefaultIouThreshold = 0.5;

    /// <summary>Scores <paramref name="detections"/> against <paramref name="groundTruth"/> for each of <paramref name="classes"/>.</summary>
    /// <param name="groundTruth">Every evaluated image's id and its objects (all classes; an empty list for an image without objects).</param>
    /// <param name="detections">The detections, of any classes, in any order.</param>
    /// <param name="classes">The classes to score, in the order reported.</param>
    /// <param name="metric">The AP metric: <see cref="VocApMetric.ElevenPoint"/> for VOC2007 as published, <see cref="VocApMetric.Area"/> for VOC2010+.</param>
    /// <param name="iouThreshold">The IoU a detection must exceed to match (0.5).</param>
    /// <exception cref="TextureBiasException">A detection names an image without ground truth, or has a non-finite score or box.</exception>
    public static VocApResult Evaluate(
        IReadOnlyDictionary<string, IReadOnlyList<VocObject>> groundTruth,
        IReadOnlyList<VocDetection> detections,
        IReadOnlyList<string> classes,
        VocApMetric metric,
        double iouThreshold = DefaultIouThreshold)
    {
        if (!(iouThreshold >= 0 && iouThreshold < 1))
            throw new TextureBiasException($"IoU threshold {iouThreshold} is not in [0, 1)");
        if (classes.Distinct().Count() != classes.Count)
            throw new TextureBiasException("a class is listed twice among the classes to score");
        for (int i = 0; i < detections.Count; i++)
        {
            var d = detections[i];
            if (!groundTruth.ContainsKey(d.ImageId))
                throw new TextureBiasException($"detection {i + 1} is on image '{d.ImageId}', which has no ground truth among the {groundTruth.Count} images evaluated");
            if (!double.IsFinite(d.Score) || !double.IsFinite(d.X1) || !double.IsFinite(d.Y1) || !double.IsFinite(d.X2) || !double.IsFinite(d.Y2))
                throw new TextureBiasException($"detection {i + 1} (image '{d.ImageId}') has a score or coordinate that is not a finite number");
        }

        var results = new List<VocClassAp>(classes.Count);
        foreach (string c in classes)
            results.Add(EvaluateClass(groundTruth, detections, c, metric, iouThreshold));
        var defined = results.Where(r => !double.IsNaN(r.Ap)).ToList();
        double mean = defined.Count == 0 ? double.NaN : defined.Sum(r => r.Ap) / defined.Count;
        return new VocApResult(results, mean, metric, iouThreshold);
    }

    static VocClassAp EvaluateClass(
        IReadOnlyDictionary<string, IReadOnlyList<VocObject>> groundTruth,
        IReadOnlyList<VocDetection> detections,
        string className,
        VocApMetric metric,
        double iouThreshold)
    {
        // class_recs: per image, its objects of the class and whether each is matched yet.
        var objects = new Dictionary<string, VocObject[]>();
        var matched = new Dictionary<string, bool[]>();
        int npos = 0;
        foreach (var (image, all) in groundTruth)
        {
            var mine = all.Where(o => o.Name == className).ToArray();
            objects[image] = mine;
            matched[image] = new bool[mine.Length];
            npos += mine.Count(o => !o.Difficult);
        }

        // Stable ranking by decreasing score.
        var ranked = detections.Where(d => d.ClassName == className)
            .Select((d, i) => (d, i))
            .OrderByDescending(p => p.d.Score).ThenBy(p => p.i)
            .Select(p => p.d).ToArray();

        int nd = ranked.Length;
        var tp = new double[nd];
        var fp = new double[nd];
        for (int k = 0; k < nd; k++)
        {
            var bb = ranked[k];
            var gts = objects[bb.ImageId];
            double ovmax = double.NegativeInfinity;
            int jmax = -1;
            for (int j = 0; j < gts.Length; j++)
            {
                double overlap = Iou(bb, gts[j]);
                // np.max / np.argmax: the first maximum, and a NaN (0/0 of two empty boxes) wins and makes the detection a FP.
                if (double.IsNaN(overlap))
                {
                    ovmax = overlap;
                    jmax = j;
                    break;
                }
                if (overlap > ovmax || jmax < 0)
                {
                    ovmax = overlap;
                    jmax = j;
                }
            }
            if (ovmax > iouThreshold)
            {
                if (!gts[jmax].Difficult)
                {
                    if (!matched[bb.ImageId][jmax])
                    {
                        tp[k] = 1;
                        matched[bb.ImageId][jmax] = true;
                    }
                    else
                        fp[k] = 1;
                }
            }
            else
                fp[k] = 1;
        }

        var recall = new double[nd];
        var precision = new double[nd];
        double ctp = 0, cfp = 0;
        for (int k = 0; k < nd; k++)
        {
            ctp += tp[k];
            cfp += fp[k];
            recall[k] = ctp / npos;
            precision[k] = ctp / Math.Max(ctp + cfp, Eps);
        }
        double ap = npos == 0 ? double.NaN : Ap(recall, precision, metric);
        return new VocClassAp(className, ap, npos, nd, (int)ctp, (int)cfp);
    }

    /// <summary>numpy's <c>np.finfo(np.float64).eps</c>.</summary>
    const double Eps = 2.220446049250313e-16;

    /// <summary>
    /// The IoU of a detection and a ground truth with the VOC +1 pixel convention (boxes are inclusive pixel ranges).
    /// </summary>
    public static double Iou(VocDetection detection, VocObject truth)
    {
        double ixmin = Math.Max(truth.X1, detection.X1);
        double iymin = Math.Max(truth.Y1, detection.Y1);
        double ixmax = Math.Min(truth.X2, detection.X2);
        double iymax = Math.Min(truth.Y2, detection.Y2);
        double iw = Math.Max(ixmax - ixmin + 1.0, 0.0);
        double ih = Math.Max(iymax - iymin + 1.0, 0.0);
        double inters = iw * ih;
        double uni = (detection.X2 - detection.X1 + 1.0) * (detection.Y2 - detection.Y1 + 1.0)
                   + (truth.X2 - truth.X1 + 1.0) * (truth.Y2 - truth.Y1 + 1.0) - inters;
        return inters / uni;
    }

    /// <summary>
    /// py-faster-rcnn's <c>voc_ap</c>: the average precision of a precision/recall curve
    /// (one point per ranked detection, recall non-decreasing).
    /// </summary>
    /// <param name="recall">Recall after each detection.</param>
    /// <param name="precision">Precision after each detection.</param>
    /// <param name="metric">11-point (VOC2007) or area under the monotone precision envelope.</param>
    public static double Ap(IReadOnlyList<double> recall, IReadOnlyList<double> precision, VocApMetric metric)
    {
        if (recall.Count != precision.Count)
            throw new ArgumentException($"{recall.Count} recalls but {precision.Count} precisions");
        int n = recall.Count;
        if (metric == VocApMetric.ElevenPoint)
        {
            double ap = 0;
            for (int t = 0; t <= 10; t++)
            {
                double threshold = t * 0.1; // np.arange(0., 1.1, 0.1): 0.30000000000000004 etc., as numpy
                double p = 0;
                bool any = false;
                for (int i = 0; i < n; i++)
                    if (recall[i] >= threshold)
                    {
                        p = any ? Math.Max(p, precision[i]) : precision[i];
                        any = true;
                    }
                ap += (any ? p : 0) / 11.0;
            }
            return ap;
        }

        var mrec = new double[n + 2];
        var mpre = new double[n + 2];
        mrec[n + 1] = 1;
        for (int i = 0; i < n; i++)
        {
            mrec[i + 1] = recall[i];
            mpre[i + 1] = precision[i];
        }
        for (int i = mpre.Length - 1; i > 0; i--)
            mpre[i - 1] = Math.Max(mpre[i - 1], mpre[i]);
        var terms = new List<double>();
        for (int i = 0; i < mrec.Length - 1; i++)
            if (mrec[i + 1] != mrec[i])
                terms.Add((mrec[i + 1] - mrec[i]) * mpre[i + 1]);
        return NumpySum.Of(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(terms)); // np.sum's order: equal to voc_ap to the last bit
    }
}
