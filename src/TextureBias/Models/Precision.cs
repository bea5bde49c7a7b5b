namespace TextureBias.Models;

/// <summary>
/// The arithmetic a network runs in: full float32 (the default, and what parity with the
/// reference needs), or mixed precision (<c>--amp bf16|fp16</c>): LibTorch's autocast runs
/// convolutions and matrix products in bfloat16 or float16 and keeps the rest, and the weights,
/// in float32 (see <see cref="MixedPrecision"/>).
/// </summary>
public enum Precision
{
    /// <summary>float32 throughout.</summary>
    Float32,

    /// <summary>Autocast to bfloat16: float32's range, so training needs no loss scaling.</summary>
    BFloat16,

    /// <summary>Autocast to float16: small gradients underflow, so training scales the loss (<see cref="Training.LossScaler"/>).</summary>
    Float16,
}
