using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Tests.Detection;
using Xunit;

namespace TextureBias.Tests.Cli;

/// <summary>`texturebias detect-train`: one-line errors for a bad backbone or data, a run that trains and is kept.</summary>
public class DetectTrainCommandTests : TempDirTest
{
    private string Devkit(int count = 4)
    {
        string devkit = Path.Combine(_dir, "VOCdevkit");
        var images = new Dictionary<string, (int, int, DetectionDataFolders.Obj[])>();
        for (int i = 0; i < count; i++)
            images[$"00000{i}"] = (48 + 8 * i, 48, new[] { new DetectionDataFolders.Obj(i % 2 == 0 ? "cat" : "dog", 5, 6, 30, 40) });
        DetectionDataFolders.WriteVoc(devkit, "2007", "trainval", images);
        return devkit;
    }

    [Fact]
    public void Bad_backbones_and_missing_data_are_one_line()
    {
        string devkit = Devkit(), run = Path.Combine(_dir, "run");
        using var bagnet = Architectures.Create("bagnet9", 10, 8, new[] { 1, 1, 1, 1 });
        string bag = Path.Combine(_dir, "bagnet.pth");
        ModelWeights.Save(bagnet, bag);
        var r = CliRunner.Run("detect-train", "--backbone", bag, "--voc", devkit, "--out", run);
        CliRunner.AssertOneLineError(r, $"{bag}: is a bagnet9 classifier: Faster R-CNN's backbone must be a ResNet (resnet18, resnet34, resnet50, resnet101 or resnet152)");
        Assert.False(File.Exists(Path.Combine(run, "checkpoint.pth")));

        string missing = Path.Combine(_dir, "nothing.pth");
        var none = CliRunner.Run("detect-train", "--backbone", missing, "--voc", devkit, "--out", run);
        CliRunner.AssertNoStackTrace(none);
        Assert.Equal(2, none.ExitCode);
        Assert.StartsWith($"texturebias: {missing}: no such file", Assert.Single(none.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        CliRunner.AssertOneLineError(CliRunner.Run("detect-train", "--voc", devkit, "--out", run),
            "--backbone: give the classification checkpoint the backbone starts from");
        CliRunner.AssertOneLineError(CliRunner.Run("detect-train", "--backbone", bag, "--out", run),
            "give the training data: --voc VOCdevkit (with --years, --set) or --coco FOLDER with --annotations FILE");
    }

    [Fact]
    public void A_run_trains_and_is_not_overwritten_unless_asked()
    {
        string devkit = Devkit(2), run = Path.Combine(_dir, "run"); // one step
        using var resnet = ResNet.ResNet18(10, 8);
        string backbone = Path.Combine(_dir, "resnet18.pth");
        ModelWeights.Save(resnet, backbone);
        string[] Train(params string[] extra) => new[] { "detect-train", "--backbone", backbone, "--voc", devkit, "--out", run, "--epochs", "1", "--batch", "2",
            "--min-size", "64", "--max-size", "96", "--device", "cpu", "--workers", "2",
            "--fpn-channels", "16", "--representation-size", "32", "--anchor-sizes", "8,16,32,64,128" }.Concat(extra).ToArray(); // a small detector: seconds
        var first = CliRunner.Run(Train());
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.StartsWith("epoch 1: lr ", first.Stdout);
        var checkpoint = Path.Combine(run, "checkpoint.pth");
        var bytes = File.ReadAllBytes(checkpoint);
        var again = CliRunner.Run(Train());
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--overwrite", again.Stderr);
        Assert.Equal(bytes, File.ReadAllBytes(checkpoint));
        var resumed = CliRunner.Run(Train("--resume")); // nothing left to train: the finished epoch is reported
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(first.Stdout.Split("  ")[0], resumed.Stdout.Split("  ")[0]);
        Assert.Equal(bytes, File.ReadAllBytes(checkpoint));
        CliRunner.AssertOneLineError(CliRunner.Run(Train("--resume", "--force")),
            "--resume continues the run in the output folder and --overwrite deletes it: give one of them");
        // The sizes are the run's: a resumed run refuses others.
        CliRunner.AssertOneLineError(CliRunner.Run(Train("--resume").Select(a => a == "8,16,32,64,128" ? "16,32,64,128,256" : a).ToArray()),
            $"{checkpoint}: the run was trained with --anchor-sizes 8,16,32,64,128, not 16,32,64,128,256; give the same settings to continue it (only --epochs may change), or --overwrite to start afresh");
        Assert.Equal(bytes, File.ReadAllBytes(checkpoint));

        // What the shapes cannot tell is in the checkpoint: detect and detect-eval load the detector as it was trained.
        using var trained = TextureBias.Detection.FasterRcnn.Load(checkpoint, sizesFromFile: true);
        Assert.Equal(new[] { 8, 16, 32, 64, 128 }, trained.Options.AnchorSizes);
        Assert.Equal((64, 96, 16, 32), (trained.Options.MinSize, trained.Options.MaxSize, trained.Options.FpnChannels, trained.Options.RepresentationSize));
        using var sized = TextureBias.Detection.FasterRcnn.Load(checkpoint, TextureBias.Detection.FasterRcnnOptions.Torchvision with { MinSize = 100, MaxSize = 200 });
        Assert.Equal((100, 200), (sized.Options.MinSize, sized.Options.MaxSize)); // sizes given win
        Assert.Equal(new[] { 8, 16, 32, 64, 128 }, sized.Options.AnchorSizes);
    }

    [Fact]
    public void Bad_detector_sizes_are_one_line()
    {
        string devkit = Devkit(2), run = Path.Combine(_dir, "run");
        using var resnet = ResNet.ResNet18(10, 8);
        string backbone = Path.Combine(_dir, "resnet18.pth");
        ModelWeights.Save(resnet, backbone);
        string[] Train(params string[] extra) => new[] { "detect-train", "--backbone", backbone, "--voc", devkit, "--out", run }.Concat(extra).ToArray();
        CliRunner.AssertOneLineError(CliRunner.Run(Train("--anchor-sizes", "8,16,32")),
            "--anchor-sizes '8,16,32' must be 5 positive whole numbers of pixels, one per FPN level (e.g. 32,64,128,256,512)");
        CliRunner.AssertOneLineError(CliRunner.Run(Train("--anchor-sizes", "8,16,0,64,128")),
            "--anchor-sizes '8,16,0,64,128' must be 5 positive whole numbers of pixels, one per FPN level (e.g. 32,64,128,256,512)");
        CliRunner.AssertOneLineError(CliRunner.Run(Train("--fpn-channels", "0")), "--fpn-channels must be positive, not 0");
        CliRunner.AssertOneLineError(CliRunner.Run(Train("--representation-size", "-3")), "--representation-size must be positive, not -3");
        Assert.False(Directory.Exists(run));
    }
}
