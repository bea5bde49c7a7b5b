namespace TextureBias.Training;

/// <summary>
/// Training was stopped by its cancellation token: the step in progress finished and the run
/// was saved to <see cref="Checkpoint"/>, so training the same way with resume continues it.
/// </summary>
public sealed class TrainingInterruptedException : OperationCanceledException
{
    /// <summary>Creates the exception for a run saved at <paramref name="step"/> of <paramref name="epoch"/>.</summary>
    public TrainingInterruptedException(string checkpoint, int epoch, int step, int stepsPerEpoch, CancellationToken token)
        : base($"training stopped in epoch {epoch} after step {step} of {stepsPerEpoch}; the run is saved in {checkpoint}", token)
    {
        Checkpoint = checkpoint;
        Epoch = epoch;
        Step = step;
        StepsPerEpoch = stepsPerEpoch;
    }

    /// <summary>The checkpoint written when training stopped.</summary>
    public string Checkpoint { get; }

    /// <summary>The epoch in progress (1-based).</summary>
    public int Epoch { get; }

    /// <summary>Steps of that epoch done.</summary>
    public int Step { get; }

    /// <summary>Steps in an epoch.</summary>
    public int StepsPerEpoch { get; }
}
