using TextureBias.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Models;

/// <summary>--device: cpu, cuda, cuda:N, auto; meta only for tests; one clear line when CUDA is asked for and absent.</summary>
public class DevicesTests
{
    [Theory]
    [InlineData("cpu", 0, "cpu")]
    [InlineData("CPU", 2, "cpu")]
    [InlineData("auto", 0, "cpu")]
    [InlineData("auto", 2, "cuda:0")]
    [InlineData("cuda", 1, "cuda:0")]
    [InlineData("cuda:0", 1, "cuda:0")]
    [InlineData("cuda:3", 4, "cuda:3")]
    public void Names_the_device(string text, int cudaDevices, string expected)
    {
        var device = Devices.Parse(text, cudaDevices, allowMeta: false);
        Assert.Equal(expected, device.ToString());
    }

    [Fact]
    public void Auto_is_the_CPU_where_LibTorch_sees_no_GPU()
    {
        var expected = torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU;
        Assert.Equal(expected, Devices.Parse("auto").type);
        Assert.Equal(DeviceType.CPU, Devices.Parse("cpu").type);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    public void CUDA_asked_for_where_there_is_none_is_one_clear_line(string text)
    {
        var e = Assert.Throws<TextureBiasException>(() => Devices.Parse(text, 0, allowMeta: false));
        string cause = Devices.Backend == "cpu" ? "this build uses TorchSharp-cpu" : "no NVIDIA GPU or driver found";
        Assert.Equal($"--device {text}: CUDA is not available ({cause}; see README 'GPUs')", e.Message);
    }

    [Fact]
    public void CUDA_on_this_machine_fails_exactly_when_LibTorch_sees_no_GPU()
    {
        if (torch.cuda.is_available()) Assert.Equal(DeviceType.CUDA, Devices.Parse("cuda").type);
        else
        {
            var e = Assert.Throws<TextureBiasException>(() => Devices.Parse("cuda"));
            Assert.StartsWith("--device cuda: CUDA is not available (", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void A_CUDA_index_beyond_the_GPUs_present_is_refused()
    {
        var e = Assert.Throws<TextureBiasException>(() => Devices.Parse("cuda:2", 2, allowMeta: false));
        Assert.Equal("--device cuda:2: there are 2 CUDA devices (cuda:0 to cuda:1)", e.Message);
        e = Assert.Throws<TextureBiasException>(() => Devices.Parse("cuda:1", 1, allowMeta: false, option: "--decoder-device"));
        Assert.Equal("--decoder-device cuda:1: there is 1 CUDA device (cuda:0)", e.Message);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("")]
    [InlineData("meta")]
    public void Anything_else_is_not_a_device(string text)
    {
        var e = Assert.Throws<TextureBiasException>(() => Devices.Parse(text, 2, allowMeta: false));
        Assert.Equal($"--device {text}: not a device (cpu, cuda, cuda:N or auto)", e.Message);
    }

    [Fact]
    public void Meta_is_accepted_only_when_allowed()
    {
        Assert.Equal(DeviceType.META, Devices.Parse("meta", 0, allowMeta: true).type);
        Assert.Throws<TextureBiasException>(() => Devices.Parse("meta", 0, allowMeta: false));
        Assert.True(Devices.IsCpu(Devices.Cpu));
        Assert.True(Devices.IsCpu(null));
        Assert.False(Devices.IsCpu(Devices.Meta));
    }

    [Fact]
    public void Upload_keeps_a_batch_already_there_copies_it_elsewhere_and_pins_only_for_CUDA()
    {
        using var x = ones(2, 3);
        Assert.Same(x, Devices.Upload(x, Devices.Cpu));
        using var onMeta = Devices.Upload(x, Devices.Meta);
        Assert.Equal(DeviceType.META, onMeta.device_type);
        Assert.Equal(x.shape, onMeta.shape);
        Assert.False(Devices.PinsMemory(Devices.Cpu));
        Assert.False(Devices.PinsMemory(Devices.Meta));
        Assert.False(Devices.PinsMemory(null));
        Assert.True(Devices.PinsMemory(new Device(DeviceType.CUDA, 1)));
    }
}
