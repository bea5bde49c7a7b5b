using TextureBias.Imaging;
using TextureBias.Training;

namespace TextureBias.Tests.Training;

/// <summary>Tiny generated ImageFolders (blue, green and red noisy images) and settings that train on them in seconds.</summary>
internal static class ColourFolders
{
    public static readonly string[] Classes = { "blue", "green", "red" };

    /// <summary>Writes <paramref name="perClass"/> 24×24 images per class under <paramref name="root"/>; returns the root.</summary>
    public static string Make(string root, int perClass, int seed, IReadOnlyList<string>? classes = null)
    {
        var rng = new Random(seed);
        foreach (var name in classes ?? Classes)
        {
            int c = Array.IndexOf(Classes, name);
            for (int i = 0; i < perClass; i++)
            {
                var px = new byte[24 * 24 * 3];
                for (int p = 0; p < px.Length; p++)
                    px[p] = (byte)Math.Clamp((p % 3 == 2 - c ? 190 : 60) + rng.Next(-50, 50), 0, 255);
                TestImages.WritePng(Path.Combine(root, name, $"{i}.png"), new RgbImage(24, 24, px));
            }
        }
        return root;
    }

    /// <summary>A narrow, shallow network trained for one epoch at 16 pixels.</summary>
    public static TrainingOptions Tiny => new()
    {
        Epochs = 1, Batch = 6, LearningRate = 0.05, NumClasses = 3, ImageSize = 16, Width = 16, Blocks = new[] { 1, 1, 1, 1 },
        LearningRateSteps = Array.Empty<int>(), Seed = 1,
    };

    /// <summary>The command-line form of <see cref="Tiny"/>, for <paramref name="epochs"/> epochs (at <paramref name="imageSize"/> pixels).</summary>
    public static string[] TinyArguments(int epochs = 1, int imageSize = 16) => new[]
    {
        "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--batch", "6", "--lr", "0.05", "--num-classes", "3", "--image-size", imageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "--width", "16", "--blocks", "1,1,1,1", "--lr-steps", "100", "--seed", "1",
    };
}
