using static TorchSharp.torch;

namespace TextureBias.Attribution;

/// <summary>Masking a square of an image with a reference image's values there (occlusion, masking, interactions).</summary>
public static class SquareMask
{
    /// <summary>Fills the <paramref name="size"/>×<paramref name="size"/> square at (<paramref name="left"/>, <paramref name="top"/>) of <paramref name="image"/> [3,H,W] with <paramref name="fill"/>'s values there, in place.</summary>
    public static void Apply(Tensor image, Tensor fill, int left, int top, int size)
    {
        using var scope = NewDisposeScope();
        image.narrow(1, top, size).narrow(2, left, size).copy_(fill.narrow(1, top, size).narrow(2, left, size));
    }
}
