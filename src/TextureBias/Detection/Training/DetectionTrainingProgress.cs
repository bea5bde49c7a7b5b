namespace TextureBias.Detection.Training;

/// <summary>Where a detection run is, reported after every step.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Epochs of the run.</param>
/// <param name="Step">Steps of the epoch done.</param>
/// <param name="Steps">Steps in an epoch.</param>
/// <param name="LearningRate">The learning rate of the step just done.</param>
/// <param name="Losses">The epoch's mean losses so far, by torchvision's names (loss_classifier, loss_box_reg, loss_objectness, loss_rpn_box_reg).</param>
/// <param name="Loss">Their sum.</param>
public sealed record DetectionTrainingProgress(int Epoch, int Epochs, int Step, int Steps, double LearningRate, IReadOnlyDictionary<string, double> Losses, double Loss);
