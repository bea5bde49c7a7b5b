using System.Text.Json.Serialization;

namespace TextureBias.Models.Zoo;

/// <summary>What a registered weight file is for.</summary>
public enum WeightKind
{
    /// <summary>An image classifier (<c>--weights</c>): a BagNet, ResNet, VGG or AlexNet.</summary>
    Classifier,

    /// <summary>The AdaIN encoder, pytorch-AdaIN's <c>vgg_normalised.pth</c> (<c>--vgg</c>).</summary>
    [JsonStringEnumMemberName("adain-encoder")]
    AdaInEncoder,

    /// <summary>The AdaIN decoder, pytorch-AdaIN's <c>decoder.pth</c> (<c>--decoder</c>).</summary>
    [JsonStringEnumMemberName("adain-decoder")]
    AdaInDecoder,

    /// <summary>An object detector (<c>detect --weights</c>, <c>detect-eval --weights</c>): torchvision's Faster R-CNN layout.</summary>
    Detector,
}
