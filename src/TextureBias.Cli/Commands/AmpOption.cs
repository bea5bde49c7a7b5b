using System.CommandLine;
using TextureBias.Models;

namespace TextureBias.Cli.Commands;

/// <summary><c>--amp bf16|fp16</c> of the commands that train or stylize (README "GPUs").</summary>
internal static class AmpOption
{
    public static Option<string?> Create() => new("--amp")
    {
        Description = "Mixed precision: bf16 or fp16 (LibTorch's autocast; fp16 training scales the loss); leave it out for float32, the reference's numbers",
    };

    /// <summary>The precision the option names; one line and exit code 2 for anything else.</summary>
    public static Precision Parse(string? text) => MixedPrecision.Parse(text);
}
