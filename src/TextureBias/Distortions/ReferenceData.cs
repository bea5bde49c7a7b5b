using System.Buffers.Binary;
using System.Reflection;
using System.Text;

namespace TextureBias.Distortions;

/// <summary>
/// The reference's data files, bundled (CC BY 4.0, rgeirhos/generalisation-humans-DNNs; see
/// Resources/reference/README.md): the mean amplitude spectrum and the monitor gamma function.
/// </summary>
public static class ReferenceData
{
    /// <summary>The side of the mean amplitude spectrum (224).</summary>
    public const int SpectrumSize = 224;

    static readonly Lazy<double[]> Spectrum = new(() => Load("mean_power_spectrum_grey.npy", SpectrumSize * SpectrumSize));
    static readonly Lazy<double[]> Gamma = new(() => Load("x_gamma_function.npy", 256));

    /// <summary><c>mean_power_spectrum_grey.npy</c>: 224×224 amplitudes, centred (fftshift order), row-major.</summary>
    public static double[] MeanAmplitudeSpectrum => Spectrum.Value;

    /// <summary><c>x_gamma_function.npy</c>: the monitor output for each of the 256 pixel values, increasing.</summary>
    public static double[] GammaFunction => Gamma.Value;

    static double[] Load(string file, int count)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("TextureBias.Resources.reference." + file)
            ?? throw new TextureBiasException($"internal error: the bundled {file} is missing");
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        var bytes = ms.ToArray();
        // .npy version 1: magic (6), version (2), header length (uint16 LE), header, then little-endian float64 data
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        if (!header.Contains("'<f8'") || header.Contains("'fortran_order': True"))
            throw new TextureBiasException($"internal error: {file} is not a C-order float64 array ({header.Trim()})");
        int start = 10 + headerLength;
        if (bytes.Length - start != count * 8)
            throw new TextureBiasException($"internal error: {file} holds {(bytes.Length - start) / 8} values, expected {count}");
        var v = new double[count];
        for (int i = 0; i < count; i++) v[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(start + 8 * i));
        return v;
    }
}
