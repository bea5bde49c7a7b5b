using TextureBias.Data;
using TextureBias.Detection;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>
/// RoIHeads against torchvision 0.14's on the same random weights, features and proposals
/// (fixtures from tools/parity/roi_heads_parity.py): MultiScaleRoIAlign's levels and pooled features,
/// the logits, the detections and the training losses agree to 1e-4.
/// </summary>
public class RoiHeadsParityTests
{
    private const int Channels = 2, Representation = 16, Classes = 5;

    private static Tensor Load(string name) => Npy.Load(Fixture.Parity(Path.Combine("roi-heads", name + ".npy")));

    private static FasterRcnnOptions Options => new()
    {
        NumClasses = Classes, FpnChannels = Channels, RepresentationSize = Representation, BoxDetectionsPerImage = 50,
    };

    private static RoiHeads Heads()
    {
        var heads = new RoiHeads(Options);
        using (torch.no_grad())
            foreach (var (key, value) in heads.state_dict())
                value.copy_(Load(key));
        return heads;
    }

    private static List<Tensor> Features() => Enumerable.Range(0, 4).Select(l => Load($"feat_{l}")).ToList();

    private static List<(int Height, int Width)> ImageSizes()
    {
        var sizes = Load("image_sizes").data<long>().ToArray();
        return new() { ((int)sizes[0], (int)sizes[1]), ((int)sizes[2], (int)sizes[3]) };
    }

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance = 1e-4)
    {
        Assert.Equal(expected.shape, actual.shape);
        if (expected.numel() == 0) return;
        double diff = (expected.to_type(ScalarType.Float64) - actual.to_type(ScalarType.Float64)).abs().max().item<double>();
        Assert.True(diff <= tolerance, $"max difference {diff}");
    }

    [Fact]
    public void StateDictKeysAreTorchvisions()
    {
        var keys = new RoiHeads(Options).state_dict().Keys.Order().ToArray();
        Assert.Equal(new[]
        {
            "box_head.fc6.bias", "box_head.fc6.weight", "box_head.fc7.bias", "box_head.fc7.weight",
            "box_predictor.bbox_pred.bias", "box_predictor.bbox_pred.weight", "box_predictor.cls_score.bias", "box_predictor.cls_score.weight",
        }, keys);
    }

    [Fact]
    public void MultiScaleRoiAlignEqualsTorchvisions()
    {
        using var scope = torch.NewDisposeScope();
        var proposals = new[] { Load("proposals_0"), Load("proposals_1") };
        var (_, kMin, kMax) = MultiScaleRoiAlign.InferScales(Features(), ImageSizes());
        var levels = MultiScaleRoiAlign.MapLevels(proposals, kMin, kMax);
        Assert.Equal(Load("levels").data<long>().ToArray(), levels.data<long>().ToArray());
        Assert.Equal(4, levels.unique().Item1.numel()); // the fixture covers every level
        var pooled = new MultiScaleRoiAlign().Forward(Features(), proposals, ImageSizes());
        AssertClose(Load("pooled"), pooled);
    }

    [Fact]
    public void DetectionsEqualTorchvisions()
    {
        using var scope = torch.NewDisposeScope();
        var heads = Heads();
        heads.eval();
        var proposals = new[] { Load("proposals_0"), Load("proposals_1") };
        var features = Features();
        features.Add(torch.zeros(2, Channels, 7, 7)); // "pool": not pooled
        using (torch.no_grad())
        {
            var (logits, deltas) = heads.Predict(features.Take(4).ToList(), proposals, ImageSizes());
            AssertClose(Load("class_logits"), logits);
            AssertClose(Load("box_regression"), deltas);
            var (results, losses) = heads.Forward(features, proposals, ImageSizes());
            Assert.Empty(losses);
            Assert.Equal(2, results.Count);
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(ScalarType.Int64, results[i].Labels.dtype);
                Assert.Equal(Load($"det_labels_{i}").data<long>().ToArray(), results[i].Labels.data<long>().ToArray());
                AssertClose(Load($"det_boxes_{i}"), results[i].Boxes);
                AssertClose(Load($"det_scores_{i}"), results[i].Scores);
            }
        }
    }

    [Fact]
    public void TrainingLossesEqualTorchvisions()
    {
        using var scope = torch.NewDisposeScope();
        var heads = Heads();
        heads.train();
        var proposals = new[] { Load("train_proposals_0"), Load("train_proposals_1") };
        var targets = new[]
        {
            new DetectionTarget(Load("target_boxes_0"), Load("target_labels_0")),
            new DetectionTarget(Load("target_boxes_1"), Load("target_labels_1")),
        };
        // Few proposals: every one is sampled, so the losses do not depend on the random draw.
        var (results, losses) = heads.Forward(Features(), proposals, ImageSizes(), targets, new Generator(3));
        Assert.Empty(results);
        Assert.Equal(new[] { "loss_box_reg", "loss_classifier" }, losses.Keys.Order().ToArray());
        AssertClose(Load("loss_classifier"), losses["loss_classifier"].reshape(1));
        AssertClose(Load("loss_box_reg"), losses["loss_box_reg"].reshape(1));
        // and they train the head
        losses["loss_classifier"].add(losses["loss_box_reg"], TextureBias.Models.SafeScalars.One).backward();
        var grad = heads.named_parameters().First(p => p.name == "box_head.fc6.weight").parameter.grad;
        Assert.NotNull(grad);
        Assert.True(grad!.abs().sum().item<float>() > 0);
    }
}
