using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Detection;

/// <summary>
/// torchvision's <c>FastRCNNPredictor</c>: class logits (cls_score, num_classes) and per-class box deltas
/// (bbox_pred, num_classes·4) of the box head's representation; nn.Linear's default initialisation.
/// </summary>
internal sealed class FastRcnnPredictor : Module<Tensor, (Tensor Scores, Tensor BoxDeltas)>
{
    private readonly Linear cls_score;
    private readonly Linear bbox_pred;

    public FastRcnnPredictor(long inChannels, long numClasses) : base("FastRCNNPredictor")
    {
        cls_score = Linear(inChannels, numClasses);
        bbox_pred = Linear(inChannels, numClasses * 4);
        RegisterComponents();
    }

    public override (Tensor Scores, Tensor BoxDeltas) forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var flat = x.flatten(1);
        var scores = cls_score.forward(flat);
        var deltas = bbox_pred.forward(flat);
        return (scores.MoveToOuterDisposeScope(), deltas.MoveToOuterDisposeScope());
    }
}
