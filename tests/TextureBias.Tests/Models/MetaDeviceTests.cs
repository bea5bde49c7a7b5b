using TextureBias.Models;
using TextureBias.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Models;

/// <summary>
/// The device plumbing, proven without a GPU (README "GPUs"). LibTorch's meta device computes
/// only shapes, and an operation that meets a CPU tensor there fails; but LibTorch's C++ build has
/// no meta kernels for convolution, batch norm or ReLU (PyTorch registers those in Python), so no
/// network can run a whole forward pass on it from .NET. Two tests take its place:
/// <list type="bullet">
/// <item>every architecture runs forward (eval and train mode), backward and an SGD step on the
/// CPU while LibTorch's default device is meta: a tensor the code makes without naming a device
/// (a constant, a buffer, an output of a fast path) lands on meta, and the first operation that
/// mixes it with the CPU tensors of the network fails, as it would against CUDA tensors;</item>
/// <item>what the meta device can run from .NET runs there: every architecture moves whole
/// (parameters and buffers), and a classifier head takes a training step (linear layer, cross
/// entropy, backward, <see cref="Sgd"/>) without a CPU tensor.</item>
/// </list>
/// </summary>
[Collection(nameof(DefaultDeviceCollection))]
public class MetaDeviceTests
{
    public static TheoryData<string> Names() => new(Architectures.Names);

    [Fact]
    public void Tensors_made_without_a_device_land_on_meta_and_mixing_them_with_CPU_tensors_fails()
    {
        // What the tests below rely on.
        using var cpu = ones(3, device: Devices.Cpu);
        using (new DefaultDeviceMeta())
        {
            using var constant = tensor(2f);
            Assert.Equal(DeviceType.META, constant.device_type);
            Assert.ThrowsAny<Exception>(() => cpu.mul(constant));
        }
        using var after = tensor(2f);
        Assert.Equal(DeviceType.CPU, after.device_type);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_architecture_keeps_its_tensors_on_its_device_forward_backward_and_SGD(string arch)
    {
        using var model = Architectures.Create(arch, numClasses: 10);
        int side = Math.Max(64, model.MinimumInputSize);
        using var x = randn(new long[] { 3, 3, side, side }, device: Devices.Cpu);
        using var y = tensor(new long[] { 1, 7, 3 }, device: Devices.Cpu);
        using var sgd = new Sgd(model.parameters(), 0.01);
        using (new DefaultDeviceMeta())
        {
            model.eval();
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                var logits = model.forward(x); // more than one image: eval mode's batch paths (chunks, fused layers, ordered sums)
                Assert.Equal(DeviceType.CPU, logits.device_type);
                Assert.Equal(new long[] { 3, 10 }, logits.shape);
            }
            model.train();
            using (var scope = NewDisposeScope())
            {
                sgd.ZeroGrad();
                var logits = model.forward(x);
                Assert.Equal(new long[] { 3, 10 }, logits.shape);
                var loss = nn.functional.cross_entropy(logits, y);
                loss.backward();
                sgd.Step();
                Assert.Equal(DeviceType.CPU, loss.device_type);
            }
        }
        Assert.All(model.parameters(), p => Assert.Equal(DeviceType.CPU, p.device_type));
        Assert.True(model.parameters().All(p => p.grad is not null && p.grad.device_type == DeviceType.CPU), "every parameter got a CPU gradient");

        // And the whole network moves to another device.
        Devices.MoveTo(model, Devices.Meta);
        Assert.All(model.parameters(), p => Assert.Equal(DeviceType.META, p.device_type));
        Assert.All(model.buffers(), b => Assert.Equal(DeviceType.META, b.device_type));
        Assert.Equal(DeviceType.META, Devices.Of(model).type);
    }

    [Fact]
    public void A_classifier_head_takes_a_training_step_on_the_meta_device()
    {
        using var head = nn.Linear(512, 10);
        Devices.MoveTo(head, Devices.Meta);
        using var sgd = new Sgd(head.parameters(), 0.1);
        using var scope = NewDisposeScope();
        var features = empty(new long[] { 4, 512 }, device: Devices.Meta);
        var labels = empty(new long[] { 4 }, ScalarType.Int64, device: Devices.Meta);
        for (int step = 0; step < 2; step++) // the second step uses the momentum buffers
        {
            sgd.ZeroGrad();
            var loss = nn.functional.cross_entropy(head.forward(features), labels);
            Assert.Equal(DeviceType.META, loss.device_type);
            loss.backward();
            sgd.Step();
        }
        Assert.All(head.parameters(), p => Assert.Equal(DeviceType.META, p.device_type));
        Assert.All(head.parameters(), p => Assert.Equal(DeviceType.META, p.grad!.device_type));
        Assert.True(sgd.StateDict()["state"] is Dictionary<int, object?> { Count: 2 }, "both parameters have momentum buffers");
    }
}
