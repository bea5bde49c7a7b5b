namespace TextureBias.Demo;

/// <summary>One network of the demo and what it does on each test set (accuracies in percent, shape bias as a fraction).</summary>
/// <param name="Name">Folder name, e.g. <c>resnet18-natural</c>.</param>
/// <param name="Label">Display name, e.g. "ResNet-18 · natural".</param>
/// <param name="Architecture">resnet18 or bagnet9.</param>
/// <param name="TrainingSet">natural or stylized.</param>
/// <param name="TrainTop1">Top-1 on its training set in the last epoch (with augmentation).</param>
/// <param name="NaturalTop1">Top-1 on natural test images.</param>
/// <param name="StylizedTop1">Top-1 on stylized test images.</param>
/// <param name="SilhouetteTop1">Top-1 on black-on-white silhouettes.</param>
/// <param name="ScrambledTop1">Top-1 on natural test images scrambled on a 4×4 grid.</param>
/// <param name="ShapeFraction">Cue-conflict images classified as their shape.</param>
/// <param name="TextureFraction">Cue-conflict images classified as their texture.</param>
/// <param name="ShapeBias">Shape decisions / (shape + texture decisions).</param>
/// <param name="ShapeBiasPerClass">The shape bias per shape class.</param>
/// <param name="TrainSeconds">Training time (the runs this process did; 0 when reused).</param>
public sealed record DemoModelResult(string Name, string Label, string Architecture, string TrainingSet, double TrainTop1,
    double NaturalTop1, double StylizedTop1, double SilhouetteTop1, double ScrambledTop1,
    double ShapeFraction, double TextureFraction, double ShapeBias, IReadOnlyDictionary<string, double> ShapeBiasPerClass, double TrainSeconds);
