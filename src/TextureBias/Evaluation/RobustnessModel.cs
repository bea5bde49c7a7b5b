using TextureBias.Imaging;
using TextureBias.Models;

namespace TextureBias.Evaluation;

/// <summary>One model of a robustness run: its name in results and plots, the network, and the mean and std its inputs are normalised with.</summary>
/// <param name="Name">The model's name (registered weights name, file name or architecture).</param>
/// <param name="Model">The network (eval mode is set by the run).</param>
/// <param name="Normalization">Whose <see cref="Preprocessing.Mean"/> and <see cref="Preprocessing.Std"/> normalise the distorted images (its sizes are not used).</param>
public sealed record RobustnessModel(string Name, ImageClassifier Model, Preprocessing Normalization);
