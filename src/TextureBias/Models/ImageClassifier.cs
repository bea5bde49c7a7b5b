using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Models;

/// <summary>
/// An image classifier: maps a normalised batch [N,3,H,W] to logits [N,classes]. The field
/// names of subclasses follow the PyTorch state_dict keys, so official weights load unchanged.
/// </summary>
public abstract class ImageClassifier : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module with its architecture name.</summary>
    protected ImageClassifier(string architecture, int numClasses) : base(architecture)
    {
        Architecture = architecture;
        NumClasses = numClasses;
    }

    /// <summary>The architecture's name (bagnet33, resnet50, ...).</summary>
    public string Architecture { get; }

    /// <summary>The number of output classes (1000 for ImageNet).</summary>
    public int NumClasses { get; }

    /// <summary>The smallest input side the network accepts.</summary>
    public abstract int MinimumInputSize { get; }

    /// <summary>Multiply–accumulate operations of one forward pass on an image of this size (convolutions and linear layers).</summary>
    public abstract long MultiplyAccumulates(int height, int width);
}
