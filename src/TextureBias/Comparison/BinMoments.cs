namespace TextureBias.Comparison;

/// <summary>
/// Running means and co-moments of (joint, sum) value pairs — Δ({p,q}) and Δ({p}) + Δ({q}) — for a numerically stable
/// correlation over many values (Welford), mergeable across images (Chan et al.), and the sums of the absolute values.
/// </summary>
public sealed class BinMoments
{
    /// <summary>Values added.</summary>
    public long Count { get; set; }

    /// <summary>Mean of the joint changes.</summary>
    public double MeanJoint { get; set; }

    /// <summary>Mean of the summed single changes.</summary>
    public double MeanSum { get; set; }

    /// <summary>Sum of squared deviations of the joint changes.</summary>
    public double M2Joint { get; set; }

    /// <summary>Sum of squared deviations of the summed single changes.</summary>
    public double M2Sum { get; set; }

    /// <summary>Sum of products of the two deviations.</summary>
    public double CoMoment { get; set; }

    /// <summary>Sum of |joint − sum|.</summary>
    public double SumAbsDifference { get; set; }

    /// <summary>Sum of |joint|.</summary>
    public double SumAbsJoint { get; set; }

    /// <summary>Adds one value pair.</summary>
    public void Add(double joint, double sum)
    {
        Count++;
        double da = joint - MeanJoint;
        MeanJoint += da / Count;
        double db = sum - MeanSum;
        MeanSum += db / Count;
        M2Joint += da * (joint - MeanJoint);
        M2Sum += db * (sum - MeanSum);
        CoMoment += da * (sum - MeanSum);
        SumAbsDifference += Math.Abs(joint - sum);
        SumAbsJoint += Math.Abs(joint);
    }

    /// <summary>Adds the values summarised by <paramref name="other"/>.</summary>
    public void Merge(BinMoments other)
    {
        if (other.Count == 0) return;
        if (Count == 0)
        {
            (Count, MeanJoint, MeanSum, M2Joint, M2Sum, CoMoment) = (other.Count, other.MeanJoint, other.MeanSum, other.M2Joint, other.M2Sum, other.CoMoment);
        }
        else
        {
            long n = Count + other.Count;
            double da = other.MeanJoint - MeanJoint, db = other.MeanSum - MeanSum, w = (double)Count * other.Count / n;
            M2Joint += other.M2Joint + da * da * w;
            M2Sum += other.M2Sum + db * db * w;
            CoMoment += other.CoMoment + da * db * w;
            MeanJoint += da * other.Count / n;
            MeanSum += db * other.Count / n;
            Count = n;
        }
        SumAbsDifference += other.SumAbsDifference;
        SumAbsJoint += other.SumAbsJoint;
    }

    /// <summary>Pearson r of the two; NaN with fewer than two values or no variance.</summary>
    public double Correlation => Count < 2 || M2Joint <= 0 || M2Sum <= 0 ? double.NaN : Math.Clamp(CoMoment / Math.Sqrt(M2Joint * M2Sum), -1, 1);

    /// <summary>Mean |joint − sum|.</summary>
    public double MeanAbsDifference => Count == 0 ? double.NaN : SumAbsDifference / Count;

    /// <summary>Mean |joint|.</summary>
    public double MeanAbsJoint => Count == 0 ? double.NaN : SumAbsJoint / Count;
}
