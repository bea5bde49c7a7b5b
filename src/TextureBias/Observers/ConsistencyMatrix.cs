namespace TextureBias.Observers;

/// <summary>Error consistency of every pair of several observers.</summary>
/// <param name="Observers">The observers, in order.</param>
/// <param name="Kappa">Kappa[i][j]: the mean over conditions of the kappa of observers i and j (<see cref="ConsistencyResult.MeanKappa"/>; 1 on the diagonal).</param>
/// <param name="Pairs">The result of every pair i &lt; j.</param>
public sealed record ConsistencyMatrix(IReadOnlyList<string> Observers, double[][] Kappa, IReadOnlyList<ConsistencyResult> Pairs);
