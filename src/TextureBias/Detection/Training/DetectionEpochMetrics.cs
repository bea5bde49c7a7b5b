namespace TextureBias.Detection.Training;

/// <summary>One line of a detection run's metrics.csv: the epoch's mean losses over its steps, as torchvision names them.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="LearningRate">The learning rate at the end of the epoch (after epoch 0's warm-up).</param>
/// <param name="Loss">Mean of the summed losses.</param>
/// <param name="LossClassifier">Mean loss_classifier (box head classification).</param>
/// <param name="LossBoxReg">Mean loss_box_reg (box head regression).</param>
/// <param name="LossObjectness">Mean loss_objectness (RPN classification).</param>
/// <param name="LossRpnBoxReg">Mean loss_rpn_box_reg (RPN regression).</param>
/// <param name="Images">Images trained on.</param>
/// <param name="SkippedImages">Images skipped (unreadable, or no usable box).</param>
/// <param name="ImagesPerS">Training images per second.</param>
public sealed record DetectionEpochMetrics(int Epoch, double LearningRate, double Loss, double LossClassifier, double LossBoxReg, double LossObjectness,
    double LossRpnBoxReg, int Images, int SkippedImages, double ImagesPerS)
{
    /// <summary>The CSV header.</summary>
    public const string Header = "epoch,lr,loss,loss_classifier,loss_box_reg,loss_objectness,loss_rpn_box_reg,images,skipped_images,images_per_s";

    /// <summary>The CSV line.</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Epoch},{LearningRate:G9},{Loss:G9},{LossClassifier:G9},{LossBoxReg:G9},{LossObjectness:G9},{LossRpnBoxReg:G9},{Images},{SkippedImages},{ImagesPerS:0.00}");

    /// <summary>Reads a line written by <see cref="ToString"/>.</summary>
    internal static DetectionEpochMetrics Parse(string line)
    {
        var f = line.Split(',');
        double D(int i) => double.Parse(f[i], System.Globalization.CultureInfo.InvariantCulture);
        return new DetectionEpochMetrics(int.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), D(1), D(2), D(3), D(4), D(5), D(6),
            int.Parse(f[7], System.Globalization.CultureInfo.InvariantCulture), int.Parse(f[8], System.Globalization.CultureInfo.InvariantCulture), D(9));
    }
}
