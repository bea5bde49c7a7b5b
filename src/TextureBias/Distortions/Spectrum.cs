using System.Numerics;

namespace TextureBias.Distortions;

/// <summary>The reference's Fourier steps: <c>fftshift(fft2(grey))</c> and back from amplitudes and phases.</summary>
public static class Spectrum
{
    /// <summary>The centred spectrum of a grey image.</summary>
    public static Complex[] Forward(FloatImage grey)
    {
        var c = new Complex[grey.Values.Length];
        for (int i = 0; i < c.Length; i++) c[i] = new Complex(grey.Values[i], 0);
        Fourier.Transform2D(c, grey.Width, grey.Height, inverse: false);
        return Fourier.Shift(c, grey.Width, grey.Height, inverse: false);
    }

    /// <summary><c>ifft2(ifftshift(amp·exp(i·phase))).real</c>, clipped to [0, 1], as a grey image.</summary>
    public static FloatImage Inverse(double[] amp, double[] phase, int width, int height)
    {
        var c = new Complex[amp.Length];
        for (int i = 0; i < c.Length; i++) c[i] = new Complex(amp[i] * Math.Cos(phase[i]), amp[i] * Math.Sin(phase[i]));
        c = Fourier.Shift(c, width, height, inverse: true);
        Fourier.Transform2D(c, width, height, inverse: true);
        var v = new double[c.Length];
        for (int i = 0; i < v.Length; i++) v[i] = c[i].Real;
        Greyscale.Clip(v);
        return new FloatImage(width, height, 1, v);
    }
}
