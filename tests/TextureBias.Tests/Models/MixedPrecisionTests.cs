using TextureBias.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Models;

/// <summary>
/// <c>--amp</c>: LibTorch's autocast reached from .NET, proven on the CPU (where LibTorch
/// autocasts too), and cuDNN's benchmark switch. Both are process or thread state: the tests
/// run apart from the parallel ones.
/// </summary>
[Collection(nameof(DefaultDeviceCollection))]
public class MixedPrecisionTests
{
    [Theory]
    [InlineData(null, Precision.Float32)]
    [InlineData("", Precision.Float32)]
    [InlineData("off", Precision.Float32)]
    [InlineData("fp32", Precision.Float32)]
    [InlineData("bf16", Precision.BFloat16)]
    [InlineData(" BF16 ", Precision.BFloat16)]
    [InlineData("fp16", Precision.Float16)]
    [InlineData("half", Precision.Float16)]
    public void Amp_names_parse(string? text, Precision expected)
    {
        Assert.Equal(expected, MixedPrecision.Parse(text));
        Assert.Equal(expected, MixedPrecision.Parse(MixedPrecision.Name(expected)));
    }

    [Fact]
    public void An_unknown_precision_is_one_line_naming_the_option()
    {
        var e = Assert.Throws<TextureBiasException>(() => MixedPrecision.Parse("int8"));
        Assert.Equal("--amp int8: not a precision (bf16 or fp16; leave it out for float32)", e.Message);
    }

    [Theory]
    [InlineData(Precision.BFloat16, ScalarType.BFloat16)]
    [InlineData(Precision.Float16, ScalarType.Float16)]
    public void Inside_autocast_convolutions_and_linear_layers_compute_in_the_lower_precision_and_the_weights_stay_float32(Precision precision, ScalarType expected)
    {
        using var conv = nn.Conv2d(3, 4, 3);
        using var fc = nn.Linear(4, 2);
        using var x = randn(2, 3, 8, 8);
        using var scope = NewDisposeScope();
        var reference = fc.forward(conv.forward(x).mean(new long[] { 2, 3 }));
        Assert.False(MixedPrecision.IsAutocasting(Devices.Cpu));
        Tensor mixed;
        using (MixedPrecision.Autocast(Devices.Cpu, precision))
        {
            Assert.True(MixedPrecision.IsAutocasting(Devices.Cpu));
            var features = conv.forward(x);
            Assert.Equal(expected, features.dtype);
            mixed = fc.forward(features.mean(new long[] { 2, 3 }));
            Assert.Equal(expected, mixed.dtype);
        }
        Assert.False(MixedPrecision.IsAutocasting(Devices.Cpu));
        Assert.All(conv.parameters().Concat(fc.parameters()), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.Equal(ScalarType.Float32, conv.forward(x).dtype); // off again after the scope
        // The same numbers to the lower precision's accuracy (bf16 keeps 8 bits of mantissa).
        var difference = (mixed.to(ScalarType.Float32) - reference).abs().max().item<float>();
        Assert.True(difference < 0.05f * (reference.abs().max().item<float>() + 1f), $"autocast result differs by {difference}");
        Assert.True(difference > 0f, "the lower precision shows in the result");
    }

    [Fact]
    public void Float32_opens_no_autocast_and_scopes_nest_and_restore()
    {
        using (MixedPrecision.Autocast(Devices.Cpu, Precision.Float32))
            Assert.False(MixedPrecision.IsAutocasting(Devices.Cpu));
        using (MixedPrecision.Autocast(Devices.Cpu, Precision.BFloat16))
        {
            using (MixedPrecision.Autocast(Devices.Cpu, Precision.Float16))
            {
                using var y = nn.functional.linear(ones(1, 4), ones(2, 4));
                Assert.Equal(ScalarType.Float16, y.dtype);
            }
            using var z = nn.functional.linear(ones(1, 4), ones(2, 4));
            Assert.Equal(ScalarType.BFloat16, z.dtype);
            Assert.True(MixedPrecision.IsAutocasting(Devices.Cpu));
        }
        Assert.False(MixedPrecision.IsAutocasting(Devices.Cpu));
    }

    [Fact]
    public void Autocast_is_per_thread_as_in_PyTorch()
    {
        using (MixedPrecision.Autocast(Devices.Cpu, Precision.BFloat16))
        {
            ScalarType other = ScalarType.Int8;
            var thread = new Thread(() =>
            {
                using var y = nn.functional.linear(ones(1, 4), ones(2, 4));
                other = y.dtype;
            });
            thread.Start();
            thread.Join();
            Assert.Equal(ScalarType.Float32, other);
        }
    }

    [Fact]
    public void Autocast_backward_gives_float32_gradients_to_float32_weights()
    {
        using var fc = nn.Linear(4, 3);
        using var scope = NewDisposeScope();
        using (MixedPrecision.Autocast(Devices.Cpu, Precision.BFloat16))
        {
            var loss = nn.functional.cross_entropy(fc.forward(randn(5, 4)), tensor(new long[] { 0, 1, 2, 0, 1 }));
            Assert.Equal(ScalarType.Float32, loss.dtype); // losses autocast to float32
            loss.backward();
        }
        Assert.All(fc.parameters(), p => Assert.Equal(ScalarType.Float32, p.grad!.dtype));
    }

    [Fact]
    public void The_cudnn_benchmark_switch_is_LibTorchs_own()
    {
        bool before = Devices.CudnnBenchmark;
        Assert.False(before); // PyTorch's default
        try
        {
            Devices.CudnnBenchmark = true;
            Assert.True(Devices.CudnnBenchmark);
            Devices.TuneFor(Devices.Cpu, fixedSize: true);
            Devices.CudnnBenchmark = false;
            Devices.TuneFor(Devices.Cpu, fixedSize: true); // the CPU: left alone
            Assert.False(Devices.CudnnBenchmark);
        }
        finally { Devices.CudnnBenchmark = before; }
    }
}
