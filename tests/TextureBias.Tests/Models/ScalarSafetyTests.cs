using Xunit;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Training;
using static TorchSharp.torch;

namespace TextureBias.Tests.Models;

/// <summary>
/// TorchSharp frees implicitly created Scalars from the finalizer thread, possibly while a native
/// call still uses them; with garbage collections forced by another thread, code that relies on
/// them fails within moments ("alpha must not be a floating point number", "Unknown scalar type").
/// </summary>
public class ScalarSafetyTests
{
    [Fact]
    public void TrainingStepsSurviveGarbageCollectionsOnAnotherThread()
    {
        using var model = ResNet.ResNet18(4, width: 4);
        using var bag = BagNet.BagNet9(4, width: 4);
        model.train();
        bag.train();
        using var sgd = new Sgd(model.parameters().Concat(bag.parameters()), 0.01, 0.9, 1e-4);
        var image = new RgbImage(16, 16, Enumerable.Range(0, 16 * 16 * 3).Select(i => (byte)(i * 7)).ToArray());
        bool stop = false;
        var churn = new Thread(() =>
        {
            // A young-generation collection about every millisecond: enough to catch an implicit
            // Scalar freed mid-call within moments, without stalling the rest of a parallel test
            // run (collecting as fast as allocations allow made the whole suite minutes slower).
            while (!Volatile.Read(ref stop))
            {
                for (int i = 0; i < 16; i++) _ = new byte[4 * 1024];
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                Thread.Sleep(1);
            }
        });
        churn.Start();
        try
        {
            for (int step = 0; step < 60; step++)
            {
                using var scope = NewDisposeScope();
                var x = stack(new[] { image.ToTensor(), image.ToTensor() });
                var y = tensor(new long[] { 1, 2 });
                sgd.ZeroGrad();
                var loss = stack(new[] { nn.functional.cross_entropy(model.forward(x), y), nn.functional.cross_entropy(bag.forward(x), y) }).mean();
                loss.backward();
                sgd.Step();
                RgbImage.FromTensor(x[0]);
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            churn.Join();
        }
        Assert.Equal(60, ((TorchSharp.Modules.BatchNorm2d)model.named_modules().First(m => m.module is TorchSharp.Modules.BatchNorm2d).module).num_batches_tracked!.item<long>());
    }
}
