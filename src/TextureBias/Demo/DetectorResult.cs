namespace TextureBias.Demo;

/// <summary>One detector of the demo's detection section and its VOC AP on the test scenes (fractions in [0, 1]).</summary>
/// <param name="Name">Folder name, e.g. <c>detector-stylized</c>.</param>
/// <param name="Label">Display name, e.g. "backbone: ResNet-18 · stylized".</param>
/// <param name="Backbone">What the backbone was trained on: natural, stylized or random (not trained).</param>
/// <param name="MeanAp">VOC mAP@0.5 (area metric, as VOC2010+ and py-faster-rcnn with use_07_metric=False).</param>
/// <param name="MeanAp07">VOC mAP@0.5 with VOC2007's 11-point metric.</param>
/// <param name="ApPerClass">AP@0.5 (area metric) of each class.</param>
/// <param name="FinalLoss">Mean summed training loss of the last epoch.</param>
/// <param name="TrainSeconds">Training time (the runs this process did; 0 when reused).</param>
public sealed record DetectorResult(string Name, string Label, string Backbone, double MeanAp, double MeanAp07, IReadOnlyDictionary<string, double> ApPerClass,
    double FinalLoss, double TrainSeconds);
