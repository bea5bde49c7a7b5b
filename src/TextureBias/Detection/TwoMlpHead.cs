using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextureBias.Detection;

/// <summary>
/// torchvision's <c>TwoMLPHead</c> (models/detection/faster_rcnn.py): the pooled RoI features flattened, then
/// relu(fc6), relu(fc7); keys fc6.weight, fc6.bias, fc7.weight, fc7.bias; nn.Linear's default initialisation.
/// </summary>
internal sealed class TwoMlpHead : Module<Tensor, Tensor>
{
    private readonly Linear fc6;
    private readonly Linear fc7;

    public TwoMlpHead(long inChannels, long representationSize) : base("TwoMLPHead")
    {
        fc6 = Linear(inChannels, representationSize);
        fc7 = Linear(representationSize, representationSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = functional.relu(fc6.forward(x.flatten(1)));
        return functional.relu(fc7.forward(h)).MoveToOuterDisposeScope();
    }
}
