using TextureBias.Detection;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>box_iou, clip_boxes_to_image and remove_small_boxes on hand-computed cases.</summary>
public class BoxOpsTests
{
    [Fact]
    public void IouOfHandMadeBoxes()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new float[] { 0, 0, 10, 10, 5, 5, 15, 25 }, new long[] { 2, 4 });
        var b = torch.tensor(new float[] { 0, 0, 10, 10, 5, 0, 15, 10, 20, 20, 30, 30 }, new long[] { 3, 4 });
        var iou = BoxOps.Iou(a, b);
        Assert.Equal(new long[] { 2, 3 }, iou.shape);
        // (0,0,10,10)∩(5,0,15,10) = 50 of union 150; (5,5,15,25) area 200: ∩ first = 25 (union 275), ∩ second = 50 (union 250)
        var expected = new[] { 1f, 50f / 150, 0f, 25f / 275, 50f / 250, 0f };
        var actual = iou.data<float>().ToArray();
        for (int i = 0; i < 6; i++)
            Assert.Equal(expected[i], actual[i], 6);
    }

    [Fact]
    public void ClipAndRemoveSmall()
    {
        using var scope = torch.NewDisposeScope();
        var boxes = torch.tensor(new float[] { -5, -3, 120, 40, 10, 90, 20, 130, 50, 50, 50.0005f, 60, 7, 7, 8, 8 }, new long[] { 4, 4 });
        var clipped = BoxOps.ClipToImage(boxes, 100, 80); // height 100, width 80
        Assert.Equal(new float[] { 0, 0, 80, 40, 10, 90, 20, 100, 50, 50, 50.0005f, 60, 7, 7, 8, 8 }, clipped.data<float>().ToArray());
        Assert.Equal(new long[] { 0, 1, 3 }, BoxOps.RemoveSmall(clipped, 1e-3).data<long>().ToArray());
        Assert.Equal(new long[] { 0, 1 }, BoxOps.RemoveSmall(clipped, 5).data<long>().ToArray());
    }
}
