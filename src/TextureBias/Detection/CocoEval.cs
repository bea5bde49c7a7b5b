namespace TextureBias.Detection;

/// <summary>
/// COCO's box average precision exactly as pycocotools' <c>COCOeval</c> (<c>iouType="bbox"</c>, PythonAPI/pycocotools/cocoeval.py)
/// computes <c>stats[0]</c> (AP@[.5:.95]) and <c>stats[1]</c> (AP@0.5): area range "all", 100 detections per image,
/// 101 recall thresholds.
/// </summary>
/// <remarks>
/// <para>Per image and category, detections are ranked by decreasing score (a stable sort) and cut to 100; their IoUs with the
/// ground truths are <c>maskUtils.iou</c>'s on [x, y, w, h] boxes (no +1; a crowd ground truth's IoU is intersection / the
/// detection's area). At each IoU threshold t (0.5, 0.55, …, 0.95 as <c>np.linspace</c> makes them) each detection in turn
/// takes the ground truth of highest IoU ≥ t that is not yet taken (crowd ones can be taken again), preferring ground truths
/// that are not crowd; a detection on a crowd ground truth is ignored, as is an unmatched detection of area outside [0, 1e10].</para>
/// <para>Per category, the detections of all images (in ascending image id order) are ranked by score again (stable), precision
/// is made monotone and read at recall 0, 0.01, …, 1 (0 past the highest recall); a category without ground truth that is not
/// crowd is left out of the means. AP@0.5 is the mean of those precisions over recall thresholds and categories, summed as numpy does.</para>
/// <para>As in pycocotools, a detection on an image that is not in the ground truth is an error, detections of categories not in
/// the ground truth are not scored, and a match with a ground truth whose id is 0 counts as unmatched (<c>dtm == 0</c>).</para>
/// </remarks>
public static class CocoEval
{
    /// <summary>Detections per image kept (<c>maxDets[-1]</c>).</summary>
    public const int MaxDetections = 100;

    static readonly double[] IouThresholds = Linspace(0.5, 0.95, 10);
    static readonly double[] RecallThresholds = Linspace(0.0, 1.0, 101);

    /// <summary>numpy's <c>np.linspace(start, stop, num)</c>: i·step + start, the last exactly <paramref name="stop"/>.</summary>
    static double[] Linspace(double start, double stop, int num)
    {
        double step = (stop - start) / (num - 1);
        var y = new double[num];
        for (int i = 0; i < num; i++) y[i] = i * step + start;
        y[^1] = stop;
        return y;
    }

    /// <summary>Scores <paramref name="detections"/> against <paramref name="truth"/>.</summary>
    /// <exception cref="TextureBiasException">A detection is on an image not in the ground truth, or has a non-finite number.</exception>
    public static CocoEvalResult Evaluate(CocoAnnotations truth, IReadOnlyList<CocoResult> detections)
    {
        var imageIds = truth.Images.Select(i => i.Id).Distinct().OrderBy(i => i).ToArray();
        var imageIndex = new Dictionary<long, int>(imageIds.Length);
        for (int i = 0; i < imageIds.Length; i++) imageIndex[imageIds[i]] = i;
        var categories = truth.CategoryIds.OrderBy(c => c).ToArray();
        var categoryIndex = new Dictionary<int, int>(categories.Length);
        for (int k = 0; k < categories.Length; k++) categoryIndex[categories[k]] = k;

        // _prepare: per (category, image), ground truths in file order, detections in the order given.
        var gts = new Dictionary<(int K, int I), List<CocoAnnotation>>();
        foreach (var a in truth.Annotations)
        {
            if (!categoryIndex.TryGetValue(a.CategoryId, out int k) || !imageIndex.TryGetValue(a.ImageId, out int i)) continue;
            if (!gts.TryGetValue((k, i), out var list)) gts[(k, i)] = list = [];
            list.Add(a);
        }
        var dts = new Dictionary<(int K, int I), List<CocoResult>>();
        for (int n = 0; n < detections.Count; n++)
        {
            var d = detections[n];
            if (!imageIndex.TryGetValue(d.ImageId, out int i))
                throw new TextureBiasException($"detection {n + 1} is on image {d.ImageId}, which is not among the {imageIds.Length} images of the ground truth");
            if (!double.IsFinite(d.Score) || !double.IsFinite(d.X) || !double.IsFinite(d.Y) || !double.IsFinite(d.W) || !double.IsFinite(d.H))
                throw new TextureBiasException($"detection {n + 1} (image {d.ImageId}) has a score or coordinate that is not a finite number");
            if (!categoryIndex.TryGetValue(d.CategoryId, out int k)) continue;
            if (!dts.TryGetValue((k, i), out var list)) dts[(k, i)] = list = [];
            list.Add(d);
        }

        int T = IouThresholds.Length, R = RecallThresholds.Length, K = categories.Length;
        var precision = new double[T, R, K];
        for (int t = 0; t < T; t++) for (int r = 0; r < R; r++) for (int k = 0; k < K; k++) precision[t, r, k] = -1;
        var classes = new List<CocoClassAp>(K);
        for (int k = 0; k < K; k++)
        {
            var perImage = new List<ImageEval>();
            for (int i = 0; i < imageIds.Length; i++)
            {
                var g = gts.TryGetValue((k, i), out var gl) ? gl : null;
                var d = dts.TryGetValue((k, i), out var dl) ? dl : null;
                if (g is null && d is null) continue;
                perImage.Add(EvaluateImage(g ?? [], d ?? []));
            }
            int npig = perImage.Sum(e => e.GtIgnore.Count(ig => !ig));
            int nDet = perImage.Sum(e => e.Scores.Length);
            if (perImage.Count > 0 && npig > 0)
                Accumulate(perImage, npig, k, precision);
            classes.Add(new CocoClassAp(categories[k], Name(truth.ClassNames, categories[k]),
                MeanOf(precision, [0], k), MeanOf(precision, Enumerable.Range(0, T), k), npig, nDet));
        }
        return new CocoEvalResult(classes, Summarize(precision, [0]), Summarize(precision, Enumerable.Range(0, T)), imageIds.Length);
    }

    static string Name(IReadOnlyList<string> names, int id) => id < names.Count ? names[id] : $"category {id}";

    sealed record ImageEval(double[] Scores, long[,] DtMatches, bool[,] DtIgnore, bool[] GtIgnore);

    /// <summary><c>computeIoU</c> and <c>evaluateImg</c> for area "all" and 100 detections.</summary>
    static ImageEval EvaluateImage(List<CocoAnnotation> gt, List<CocoResult> dtAll)
    {
        // Ground truths that are ignored (crowd) last, stably; detections by decreasing score, stably, cut to 100.
        var gtOrder = Enumerable.Range(0, gt.Count).OrderBy(j => gt[j].IsCrowd ? 1 : 0).ToArray();
        var dt = dtAll.Select((d, n) => (d, n)).OrderByDescending(p => p.d.Score).ThenBy(p => p.n).Take(MaxDetections).Select(p => p.d).ToArray();
        int G = gt.Count, D = dt.Length, T = IouThresholds.Length;
        var gtIg = new bool[G];
        var crowd = new bool[G];
        var ious = new double[D, G];
        for (int j = 0; j < G; j++)
        {
            var g = gt[gtOrder[j]];
            // area "all" is [0, 1e5 ** 2]
            gtIg[j] = g.IsCrowd || g.Area < 0 || g.Area > 1e10;
            crowd[j] = g.IsCrowd;
            for (int n = 0; n < D; n++) ious[n, j] = Iou(dt[n], g);
        }
        var gtm = new long[T, G];
        var dtm = new long[T, D];
        var dtIg = new bool[T, D];
        if (G > 0 && D > 0)
        {
            for (int t = 0; t < T; t++)
                for (int n = 0; n < D; n++)
                {
                    double iou = Math.Min(IouThresholds[t], 1 - 1e-10);
                    int m = -1;
                    for (int j = 0; j < G; j++)
                    {
                        if (gtm[t, j] > 0 && !crowd[j]) continue;
                        if (m > -1 && !gtIg[m] && gtIg[j]) break;
                        if (ious[n, j] < iou) continue;
                        iou = ious[n, j];
                        m = j;
                    }
                    if (m == -1) continue;
                    dtIg[t, n] = gtIg[m];
                    dtm[t, n] = gt[gtOrder[m]].Id;
                    gtm[t, m] = n + 1; // any non-zero detection id
                }
        }
        for (int n = 0; n < D; n++)
        {
            double area = dt[n].W * dt[n].H;
            bool outside = area < 0 || area > 1e10;
            for (int t = 0; t < T; t++)
                dtIg[t, n] |= dtm[t, n] == 0 && outside;
        }
        return new ImageEval(dt.Select(d => d.Score).ToArray(), dtm, dtIg, gtIg);
    }

    /// <summary><c>maskUtils.iou</c> of [x, y, w, h] boxes (<c>bbIou</c>): intersection over union, or over the detection's area for a crowd.</summary>
    static double Iou(CocoResult d, CocoAnnotation g)
    {
        double da = d.W * d.H, ga = g.W * g.H;
        double w = Math.Min(d.W + d.X, g.W + g.X) - Math.Max(d.X, g.X);
        if (w <= 0) return 0;
        double h = Math.Min(d.H + d.Y, g.H + g.Y) - Math.Max(d.Y, g.Y);
        if (h <= 0) return 0;
        double i = w * h;
        double u = g.IsCrowd ? da : da + ga - i;
        return i / u;
    }

    /// <summary><c>accumulate</c> for one category.</summary>
    static void Accumulate(List<ImageEval> perImage, int npig, int k, double[,,] precision)
    {
        int T = IouThresholds.Length, R = RecallThresholds.Length;
        var entries = new List<(ImageEval E, int N)>();
        foreach (var e in perImage)
            for (int n = 0; n < e.Scores.Length; n++) entries.Add((e, n));
        var order = entries.Select((p, idx) => (p, idx)).OrderByDescending(q => q.p.E.Scores[q.p.N]).ThenBy(q => q.idx).Select(q => q.p).ToArray();
        int nd = order.Length;
        const double Spacing1 = 2.220446049250313e-16; // np.spacing(1)
        for (int t = 0; t < T; t++)
        {
            var rc = new double[nd];
            var pr = new double[nd];
            double tp = 0, fp = 0;
            for (int n = 0; n < nd; n++)
            {
                var (e, j) = order[n];
                bool matched = e.DtMatches[t, j] != 0, ignored = e.DtIgnore[t, j];
                if (matched && !ignored) tp++;
                if (!matched && !ignored) fp++;
                rc[n] = tp / npig;
                pr[n] = tp / (fp + tp + Spacing1);
            }
            for (int n = nd - 1; n > 0; n--)
                if (pr[n] > pr[n - 1]) pr[n - 1] = pr[n];
            for (int r = 0; r < R; r++)
            {
                // np.searchsorted(rc, recThrs, side='left'): the first index with rc >= threshold.
                int lo = 0, hi = nd;
                while (lo < hi)
                {
                    int mid = (lo + hi) >>> 1;
                    if (rc[mid] < RecallThresholds[r]) lo = mid + 1; else hi = mid;
                }
                precision[t, r, k] = lo < nd ? pr[lo] : 0; // pycocotools stops at the first index past the end: the rest stay 0
            }
        }
    }

    /// <summary><c>_summarize</c>: np.mean of the precisions > −1 at these thresholds, in numpy's (t, r, k) order.</summary>
    static double Summarize(double[,,] precision, IEnumerable<int> thresholds)
    {
        var values = new List<double>();
        foreach (int t in thresholds)
            for (int r = 0; r < precision.GetLength(1); r++)
                for (int k = 0; k < precision.GetLength(2); k++)
                    if (precision[t, r, k] > -1) values.Add(precision[t, r, k]);
        return NumpySum.Mean(values);
    }

    /// <summary>One category's AP: the mean of its precisions at these thresholds (NaN when it was not evaluated).</summary>
    static double MeanOf(double[,,] precision, IEnumerable<int> thresholds, int k)
    {
        var values = new List<double>();
        foreach (int t in thresholds)
            for (int r = 0; r < precision.GetLength(1); r++)
                if (precision[t, r, k] > -1) values.Add(precision[t, r, k]);
        return NumpySum.Mean(values);
    }
}
