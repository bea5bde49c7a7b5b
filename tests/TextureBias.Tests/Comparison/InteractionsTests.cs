using TextureBias.Attribution;
using TextureBias.Comparison;
using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TextureBias.Tests.Comparison;

public class InteractionsTests : TempDirTest
{
    readonly ITestOutputHelper _out;

    public InteractionsTests(ITestOutputHelper output) => _out = output;

    List<string> Images(int count, int width, int height)
    {
        var rng = new Random(17);
        var files = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var px = new byte[width * height * 3];
            rng.NextBytes(px);
            files.Add(Path.Combine(_dir, $"{i}.png"));
            TestImages.WritePng(files[^1], new RgbImage(width, height, px));
        }
        return files;
    }

    [Fact]
    public void ABagNetHasNoInteractionsBeyondItsReceptiveField()
    {
        manual_seed(5);
        using var model = BagNet.BagNet9(6, width: 4);
        Assert.Equal(9, model.ReceptiveField);
        var files = Images(2, 72, 64);
        // Bins: touching or close (0–3: a 9-pixel window can hold pixels of both squares), 4–7, exactly 8 (= q − 1: no window
        // holds both), and ≥ 9 (= q).
        var options = new InteractionOptions { Patch = 7, PairsPerImage = 80, BinEdges = [0, 4, 8, 9], Seed = 3, AllLogits = true, BatchSize = 50 };
        var result = Interactions.Run(model, files, new Preprocessing(0, 0), options);
        Assert.Equal(2, result.Images);
        foreach (var b in result.Bins)
            _out.WriteLine($"{b.Label}: pairs {b.Pairs} r {b.Correlation:R} non-additivity {b.MeanNonAdditivity:E3} joint {b.MeanJoint:E3}");
        Assert.All(result.Bins, b => Assert.Equal(40, b.Pairs));
        var near = result.Bins[0];
        Assert.True(near.RelativeNonAdditivity > 1e-2, $"close pairs interact: {near.RelativeNonAdditivity}");
        Assert.True(near.Correlation < 0.9999);
        foreach (var far in result.Bins.Where(b => b.Low >= 8))
        {
            // Float rounding of logits of size ~1–10 (each Δ is a difference of two): about 1e-5 of the joint change, 10⁴ times less than near.
            Assert.True(far.RelativeNonAdditivity < 1e-4, $"gap {far.Label}: relative non-additivity {far.RelativeNonAdditivity}");
            Assert.True(far.MeanNonAdditivity < 1e-3 * near.MeanNonAdditivity);
            Assert.Equal(1.0, far.Correlation, 8);
        }
        // Pair by pair (target logit): beyond the receptive field the change of masking both is the sum of the single changes.
        foreach (var p in result.Pairs.Where(p => p.Pair.Gap >= model.ReceptiveField))
            Assert.True(Math.Abs(p.NonAdditivity) <= 3e-4 * Math.Max(1, Math.Abs(p.DeltaPQ)), $"{p}: {p.NonAdditivity}"); // 1.07e-4 seen once: the last, smaller batch runs other kernels
        Assert.Contains(result.Pairs, p => p.Pair.Gap <= 2 && Math.Abs(p.NonAdditivity) > 1e-3 * Math.Abs(p.DeltaPQ));
    }

    [Theory]
    [InlineData(AttributionBaseline.Zero)]
    [InlineData(AttributionBaseline.Mean)]
    public void TheChangesAreThoseOfMaskingByHand(AttributionBaseline fill)
    {
        manual_seed(9);
        using var model = Architectures.Create("resnet18", 10, 8);
        model.eval();
        var files = Images(1, 56, 48);
        var options = new InteractionOptions { Patch = 12, PairsPerImage = 9, BinEdges = [0, 10, 20], Seed = 1, Fill = fill, BatchSize = 4 };
        var result = Interactions.Run(model, files, new Preprocessing(0, 0), options);
        Assert.Equal(9, result.Pairs.Count);
        var record = result.Pairs[4];
        var x = new Preprocessing(0, 0).Apply(ImageDecoder.Decode(files[0]));
        // By hand: a 0/1 mask of each square, and the fill as the network's zero or the image's per-channel mean.
        Tensor Square(int left, int top)
        {
            var m = zeros(1, 48, 56);
            for (int yy = top; yy < top + 12; yy++)
                for (int xx = left; xx < left + 12; xx++)
                    m[0, yy, xx] = tensor(1f);
            return m;
        }
        var value = fill == AttributionBaseline.Zero ? zeros(3, 1, 1) : x.mean([1, 2], keepdim: true);
        // A kept-alive Scalar, not implicit ones: the suite runs in parallel, and an implicit Scalar may be collected mid-call.
        using var one = 1.ToScalar();
        using var minusOne = (-1).ToScalar();
        Tensor Masked(Tensor mask) => (x * ones_like(mask).add(mask, minusOne)).add(value * mask, one);
        var mp = Square(record.Pair.Px, record.Pair.Py);
        var mq = Square(record.Pair.Qx, record.Pair.Qy);
        float Logit(Tensor image)
        {
            using var noGrad = no_grad();
            return model.forward(image.unsqueeze(0))[0, record.Target].item<float>();
        }
        float clean = Logit(x);
        using (no_grad())
        {
            var top = model.forward(x.unsqueeze(0))[0].argmax().item<long>();
            Assert.Equal(top, record.Target); // no classes: the clean top-1 class
        }
        Assert.Equal(clean - Logit(Masked(mp)), record.DeltaP, 4);
        Assert.Equal(clean - Logit(Masked(mq)), record.DeltaQ, 4);
        Assert.Equal(clean - Logit(Masked(mp.add(mq, one).clamp_max(one))), record.DeltaPQ, 4);
        Assert.NotEqual(0f, record.DeltaPQ);
    }

    [Fact]
    public void TheCleanRowIsTheCleanLogits()
    {
        manual_seed(2);
        using var model = BagNet.BagNet9(5, width: 4);
        model.eval();
        var x = new Preprocessing(0, 0).Apply(ImageDecoder.Decode(Images(1, 40, 40)[0]));
        var logits = Interactions.MaskedLogits(model, x, [new PatchPair(0, 0, 20, 20, 10)], new InteractionOptions { BatchSize = 3 });
        Assert.Equal(new long[] { 4, 5 }, logits.shape);
        using var noGrad = no_grad();
        // Batches of 3 and of 1 may take different oneDNN kernels (other summation orders): equal to float32 rounding.
        Assert.True(logits[0].allclose(model.forward(x.unsqueeze(0))[0], rtol: 1e-4, atol: 1e-5));
        Assert.False(logits[3].allclose(logits[0], rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void PairsFitDoNotOverlapAndFillTheBinsEvenly()
    {
        int[] edges = [0, 8, 16, 32, 64];
        var counts = new int[edges.Length];
        for (int image = 0; image < 7; image++)
        {
            var pairs = PatchPairSampler.Sample(100, 70, 17, edges, 30, new Random(image), image);
            Assert.Equal(30, pairs.Count);
            foreach (var (pair, bin) in pairs)
            {
                Assert.InRange(pair.Px, 0, 100 - 17);
                Assert.InRange(pair.Qx, 0, 100 - 17);
                Assert.InRange(pair.Py, 0, 70 - 17);
                Assert.InRange(pair.Qy, 0, 70 - 17);
                Assert.True(pair.Gap >= 0);
                Assert.Equal(bin, PatchPairSampler.BinOf(pair.Gap, edges));
                counts[bin]++;
            }
        }
        // The largest gap is 100 − 34 = 66: every bin fits; 210 pairs over 5 bins.
        Assert.All(counts, c => Assert.InRange(c, 42, 42));
        Assert.Equal(PatchPairSampler.Sample(100, 70, 17, edges, 30, new Random(4), 4), PatchPairSampler.Sample(100, 70, 17, edges, 30, new Random(4), 4));
        // Gaps: touching squares are 0 apart, and the gap is the larger of the two axis gaps.
        Assert.Equal(0, new PatchPair(0, 0, 10, 3, 10).Gap);
        Assert.Equal(5, new PatchPair(0, 0, 12, 15, 10).Gap);
        Assert.Equal(-4, new PatchPair(0, 0, 6, 2, 10).Gap);
        Assert.Throws<TextureBiasException>(() => PatchPairSampler.Sample(30, 30, 17, edges, 3, new Random(1)));
    }

    [Fact]
    public void TheTargetIsTheTrueClassWhenTheModelKnowsTheFolders()
    {
        manual_seed(6);
        using var model = BagNet.BagNet9(3, width: 4);
        model.Metadata = new ModelMetadata { Classes = ["zebra", "apple", "mango"] }; // outputs in another order than the folders
        var rng = new Random(1);
        foreach (var name in new[] { "apple", "mango", "zebra" })
        {
            var px = new byte[40 * 40 * 3];
            rng.NextBytes(px);
            TestImages.WritePng(Path.Combine(_dir, "data", name, "a.png"), new RgbImage(40, 40, px));
        }
        var folder = TextureBias.Data.ImageFolder.Open([Path.Combine(_dir, "data")]);
        var files = folder.Samples.Select(s => s.Path).ToList();
        var options = new InteractionOptions { Patch = 8, PairsPerImage = 2, BinEdges = [0] };
        var result = Interactions.Run(model, files, new Preprocessing(0, 0), options, folder);
        Assert.Equal(new[] { 1, 1, 2, 2, 0, 0 }, result.Pairs.Select(p => p.Target));
    }

    [Fact]
    public void AStoppedRunGoesOnWhereItStoppedWithTheSameNumbers()
    {
        manual_seed(8);
        using var model = BagNet.BagNet9(4, width: 4);
        var files = Images(4, 40, 36);
        var options = new InteractionOptions { Patch = 6, PairsPerImage = 10, BinEdges = [0, 5, 10], Seed = 2 };
        var run = new InteractionRun("nine", _dir, files.Count, "resize 0, crop 0", InteractionStore.Describe(options));
        string folder = Path.Combine(_dir, "out");
        var plain = Interactions.Run(model, files, new Preprocessing(0, 0), options);
        var first = Interactions.Run(model, files, new Preprocessing(0, 0), options, store: InteractionStore.Open(folder, run));
        File.Delete(Path.Combine(folder, "images", "000002.json")); // as if stopped before the third image was kept
        var again = InteractionStore.Open(folder, run);
        var second = Interactions.Run(model, files, new Preprocessing(0, 0), options, store: again);
        Assert.Equal(3, again.Reused);
        foreach (var result in new[] { first, second })
        {
            Assert.Equal(plain.Pairs, result.Pairs);
            for (int b = 0; b < 3; b++)
            {
                Assert.Equal(plain.Bins[b].Pairs, result.Bins[b].Pairs);
                Assert.Equal(plain.Bins[b].Correlation, result.Bins[b].Correlation, 12);
                Assert.Equal(plain.Bins[b].MeanNonAdditivity, result.Bins[b].MeanNonAdditivity, 12);
            }
        }
        var other = Assert.Throws<TextureBiasException>(() => InteractionStore.Open(folder, run with { Settings = InteractionStore.Describe(options with { Patch = 7 }) }));
        Assert.Contains("holds the results of another run (patch 6, 10 pairs", other.Message);
    }
}
