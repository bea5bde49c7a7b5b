using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Training;

/// <summary>
/// The trainer keeps every tensor on its device (README "GPUs"), proven without a GPU by the
/// <see cref="DefaultDeviceMeta"/> pattern: the network is built on the CPU, and from the end of
/// the first training step on, LibTorch's default device is meta, so any tensor the trainer
/// makes without naming its device (targets, metrics, loss scaling, the optimiser's buffers,
/// validation batches, the checkpoint's tensors) lands on meta and the first operation that
/// mixes it with the network's CPU tensors fails.
/// </summary>
[Collection(nameof(DefaultDeviceCollection))]
public class TrainerDeviceTests : TempDirTest
{
    [Theory]
    [InlineData(Precision.Float32)]
    [InlineData(Precision.Float16)]
    public void Training_steps_validation_and_checkpoints_make_no_tensor_off_the_device(Precision precision)
    {
        var train = ColourFolders.Make(Path.Combine(_dir, "train"), 4, 1);
        var val = ColourFolders.Make(Path.Combine(_dir, "val"), 2, 2);
        var run = Path.Combine(_dir, "run");
        var options = ColourFolders.Tiny with { Epochs = 2, Accumulate = 2, Device = Devices.Cpu, Precision = precision };
        DefaultDeviceMeta? meta = null;
        var seenOnMeta = new List<(int Epoch, int Step)>();
        IReadOnlyList<EpochMetrics> metrics;
        try
        {
            metrics = Trainer.Run("resnet18", new[] { train }, val, run, options, progress: (epoch, step, steps, loss) =>
            {
                meta ??= new DefaultDeviceMeta(); // after the first step: the network exists, on the CPU
                using var probe = tensor(0f);
                if (probe.device_type == DeviceType.META) seenOnMeta.Add((epoch, step));
            });
        }
        finally
        {
            meta?.Dispose();
        }

        // Two epochs of two steps, all but the first under the meta default device.
        Assert.Equal(new[] { (1, 1), (1, 2), (2, 1), (2, 2) }, seenOnMeta);
        Assert.Equal(2, metrics.Count);
        Assert.All(metrics, m => Assert.True(double.IsFinite(m.TrainLoss) && m.TrainLoss > 0, $"train loss {m.TrainLoss}"));
        Assert.All(metrics, m => Assert.InRange(m.ValTop1, 0, 100)); // validated on the device too
        using var checkpoint = WeightFile.Read(Path.Combine(run, Trainer.CheckpointFile));
        Assert.Equal(2L, checkpoint.Metadata["epoch"]);
        Assert.All(checkpoint.StateDict.Values, t => Assert.Equal(DeviceType.CPU, t.device_type));
        using var model = Architectures.Create("resnet18", 3, 16, new[] { 1, 1, 1, 1 });
        ModelWeights.Load(model, Path.Combine(run, Trainer.CheckpointFile));
    }
}
