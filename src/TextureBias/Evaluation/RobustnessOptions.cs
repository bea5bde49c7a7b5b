using TextureBias.Distortions;

namespace TextureBias.Evaluation;

/// <summary>Options of a robustness run (<see cref="Robustness"/>).</summary>
public sealed record RobustnessOptions
{
    /// <summary>Seed of our own noise generator: the noise depends on it, the image's path relative to the data folder and the level (as <c>distort --seed</c>).</summary>
    public int Seed { get; init; }

    /// <summary>When set, every image's noise is numpy's <c>RandomState(seed)</c> stream from its start (as <c>distort --numpy-seed</c>).</summary>
    public long? NumpySeed { get; init; }

    /// <summary>Images per forward pass.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Threads that decode and distort (0: one per core).</summary>
    public int Workers { get; init; }

    /// <summary>How distorted values become the 8-bit pixels the models see (the published stimuli were rounded).</summary>
    public PixelQuantisation Quantisation { get; init; } = PixelQuantisation.Round;

    /// <summary>Whether <see cref="RobustnessCell.Trials"/> are kept (one per model, level and image; needed for raw data and a results folder).</summary>
    public bool KeepTrials { get; init; } = true;

    /// <summary>
    /// Where the networks run (null: where each is). ONNX models (<see cref="Models.OnnxClassifier"/>) stay on the CPU, where
    /// ONNX Runtime runs them; the distorted images are made on the CPU and copied to each device once per batch.
    /// </summary>
    public TorchSharp.torch.Device? Device { get; init; }
}
