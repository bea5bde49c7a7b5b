namespace TextureBias.Observers;

/// <summary>Error consistency of every pair of several observers.</summary>
/// <param name="Observers">The observers, in order.</param>
/// <param name="Kappa">Kappa[i][j]: over all matched trials of observers i and j (1 on the diagonal).</param>
/// <param name="Pairs">The result of every pair i &lt; j.</param>
public sealed record ConsistencyMatrix(IReadOnlyList<string> Observers, double[][] Kappa, IReadOnlyList<ConsistencyResult> Pairs);
