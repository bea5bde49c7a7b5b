using System.CommandLine;
using TextureBias.Models;
using TorchSharp;

namespace TextureBias.Cli.Commands;

/// <summary><c>--device</c> of the commands that run a network (README "GPUs").</summary>
internal static class DeviceOption
{
    public static Option<string> Create() => new("--device")
    {
        Description = "Where the network runs: cpu, cuda, cuda:N or auto (CUDA when available; needs the CUDA build, see README 'GPUs')",
        DefaultValueFactory = _ => "auto",
    };

    /// <summary>The device the option names; one line and exit code 2 when CUDA is asked for and absent.</summary>
    public static torch.Device Parse(string? text) => Devices.Parse(text ?? "auto");
}
