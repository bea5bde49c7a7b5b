using System.Numerics;

namespace TextureBias.Distortions;

/// <summary>
/// 2-D discrete Fourier transforms of any size (mixed-radix Cooley–Tukey), with numpy's conventions:
/// forward unnormalised, inverse divided by the element count, and <c>fftshift</c>/<c>ifftshift</c>.
/// </summary>
public static class Fourier
{
    /// <summary><c>fft2</c> (inverse: <c>ifft2</c>) of a row-major height×width array, in place.</summary>
    public static void Transform2D(Complex[] data, int width, int height, bool inverse)
    {
        var row = new Complex[width];
        var rowOut = new Complex[width];
        var tw = Twiddles(width, inverse);
        for (int y = 0; y < height; y++)
        {
            Array.Copy(data, y * width, row, 0, width);
            Dft(row, 0, 1, width, rowOut, 0, tw, 1);
            Array.Copy(rowOut, 0, data, y * width, width);
        }
        var col = new Complex[height];
        var colOut = new Complex[height];
        tw = Twiddles(height, inverse);
        for (int x = 0; x < width; x++)
        {
            for (int y = 0; y < height; y++) col[y] = data[y * width + x];
            Dft(col, 0, 1, height, colOut, 0, tw, 1);
            for (int y = 0; y < height; y++) data[y * width + x] = colOut[y];
        }
        if (inverse)
        {
            double n = (double)width * height;
            for (int i = 0; i < data.Length; i++) data[i] = new Complex(data[i].Real / n, data[i].Imaginary / n);
        }
    }

    /// <summary><c>fftshift</c> (or, with <paramref name="inverse"/>, <c>ifftshift</c>) of a height×width array.</summary>
    public static Complex[] Shift(Complex[] data, int width, int height, bool inverse)
    {
        var o = new Complex[data.Length];
        int sy = inverse ? height - height / 2 : height / 2, sx = inverse ? width - width / 2 : width / 2;
        for (int y = 0; y < height; y++)
        {
            int ty = (y + sy) % height;
            for (int x = 0; x < width; x++) o[ty * width + (x + sx) % width] = data[y * width + x];
        }
        return o;
    }

    static Complex[] Twiddles(int n, bool inverse)
    {
        var t = new Complex[n];
        double sign = inverse ? 1 : -1;
        for (int k = 0; k < n; k++)
        {
            double a = 2 * Math.PI * k / n;
            t[k] = new Complex(Math.Cos(a), sign * Math.Sin(a));
        }
        return t;
    }

    // Decimation in time: n = p·m with p the smallest prime factor; tw holds the twiddles of the top length N, step = N / n.
    static void Dft(Complex[] input, int offset, int stride, int n, Complex[] output, int outOffset, Complex[] tw, int step)
    {
        if (n == 1)
        {
            output[outOffset] = input[offset];
            return;
        }
        int p = SmallestFactor(n), m = n / p;
        for (int q = 0; q < p; q++)
            Dft(input, offset + q * stride, stride * p, m, output, outOffset + q * m, tw, step * p);
        int big = tw.Length;
        Span<Complex> y = p <= 64 ? stackalloc Complex[p] : new Complex[p];
        for (int k = 0; k < m; k++)
        {
            for (int q = 0; q < p; q++) y[q] = output[outOffset + q * m + k];
            for (int s = 0; s < p; s++)
            {
                int j = k + s * m;
                Complex sum = y[0];
                for (int q = 1; q < p; q++) sum += tw[(int)((long)q * j * step % big)] * y[q];
                output[outOffset + j] = sum;
            }
        }
    }

    static int SmallestFactor(int n)
    {
        if (n % 2 == 0) return 2;
        for (int f = 3; (long)f * f <= n; f += 2)
            if (n % f == 0) return f;
        return n;
    }
}
