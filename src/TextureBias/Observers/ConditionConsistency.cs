namespace TextureBias.Observers;

/// <summary>Error consistency of two observers on the matched trials of one condition (or all of them).</summary>
/// <param name="Condition">The condition ("all" for every matched trial).</param>
/// <param name="Trials">The matched trials (images both observers saw).</param>
/// <param name="AccuracyA">The first observer's accuracy p1 on them.</param>
/// <param name="AccuracyB">The second observer's accuracy p2 on them.</param>
/// <param name="Observed">c_obs: the fraction of trials both got right or both got wrong.</param>
/// <param name="Expected">c_exp = p1·p2 + (1−p1)(1−p2): c_obs expected of independent observers with these accuracies.</param>
/// <param name="Kappa">Cohen's kappa (c_obs − c_exp)/(1 − c_exp); 1 when c_obs = 1 (as model-vs-human).</param>
public sealed record ConditionConsistency(string Condition, int Trials, double AccuracyA, double AccuracyB, double Observed, double Expected, double Kappa);
