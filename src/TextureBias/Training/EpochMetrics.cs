namespace TextureBias.Training;

/// <summary>One line of metrics.csv.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="LearningRate">Learning rate of the epoch.</param>
/// <param name="TrainLoss">Mean cross-entropy over the epoch's images.</param>
/// <param name="TrainTop1">Training top-1 accuracy, percent.</param>
/// <param name="TrainTop5">Training top-5 accuracy, percent.</param>
/// <param name="ValTop1">Validation top-1, percent (NaN without validation data).</param>
/// <param name="ValTop5">Validation top-5, percent.</param>
/// <param name="ImagesPerS">Training images per second.</param>
public sealed record EpochMetrics(int Epoch, double LearningRate, double TrainLoss, double TrainTop1, double TrainTop5, double ValTop1, double ValTop5, double ImagesPerS)
{
    /// <summary>
    /// Steps of the epoch that fp16 training skipped because their gradients overflowed (the
    /// loss scaler then lowers its scale); 0 in float32 and bf16. Not a column of metrics.csv.
    /// </summary>
    public int SkippedSteps { get; init; }

    /// <summary>The CSV header.</summary>
    public const string Header = "epoch,lr,train_loss,train_top1,train_top5,val_top1,val_top5,images_per_s";

    /// <summary>The CSV line.</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Epoch},{LearningRate:G6},{TrainLoss:G9},{TrainTop1:G9},{TrainTop5:G9},{ValTop1:G9},{ValTop5:G9},{ImagesPerS:0.00}");
}
