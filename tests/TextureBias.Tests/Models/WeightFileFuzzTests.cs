using TextureBias.Models;
using TextureBias.Models.Serialization;
using Xunit;

namespace TextureBias.Tests.Models;

/// <summary>
/// Flips, overwrites, inserts and truncates bytes of valid legacy, zip and safetensors files
/// (seeded, so a failure repeats): every mutant is either read cleanly or refused with a
/// <see cref="WeightFileException"/>; nothing else escapes the reader, nothing hangs or crashes.
/// </summary>
public class WeightFileFuzzTests : TempDirTest
{
    private const int MutantsPerFile = 700;

    [Theory]
    [InlineData("tiny-bagnet33.pth.tar", 1)]
    [InlineData("tiny-bagnet33-zip.pth", 2)]
    [InlineData("tiny-bagnet33-checkpoint.pth.tar", 3)]
    [InlineData("values-zip.pth", 4)]
    [InlineData("tiny-bagnet33-module.pth", 5)]
    public void MutantsOfPyTorchFiles(string fixture, int seed) => Fuzz(File.ReadAllBytes(Fixture.Weights(fixture)), Path.GetExtension(fixture), seed);

    [Fact]
    public void MutantsOfSafetensorsFiles()
    {
        var path = Path.Combine(_dir, "tiny.safetensors");
        using (var model = BagNet.BagNet9(10, width: 4)) ModelWeights.Save(model, path);
        Fuzz(File.ReadAllBytes(path), ".safetensors", 6);
    }

    private void Fuzz(byte[] original, string extension, int seed)
    {
        var random = new Random(seed);
        int read = 0, refused = 0, loaded = 0;
        for (int i = 0; i < MutantsPerFile; i++)
        {
            var mutant = Mutate(original, random);
            var path = Path.Combine(_dir, $"mutant-{seed}-{i}{extension}");
            File.WriteAllBytes(path, mutant);
            try
            {
                using (var checkpoint = WeightFile.Read(path)) read++;
                // Every tenth readable mutant goes on into a model: its checks must hold as well.
                if (read % 10 == 1)
                {
                    using var model = ModelWeights.LoadClassifier(null, path);
                    loaded++;
                }
            }
            catch (WeightFileException e)
            {
                refused++;
                Assert.StartsWith(path + ": ", e.Message);
                Assert.DoesNotContain('\n', e.Message);
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed}, mutant {i}: {e.GetType().Name} escaped the reader: {e.Message}");
            }
            File.Delete(path);
        }
        // Both outcomes occur: mutants of the tensors' bytes still read, those of the structure do not.
        Assert.True(read > 0 && refused > 0, $"read {read}, refused {refused}, loaded {loaded}");
    }

    /// <summary>One to three mutations, mostly where the structure is (the first and last kilobytes: pickle, headers, zip directory).</summary>
    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        int Position(int length) => random.Next(4) switch
        {
            0 or 1 => random.Next(Math.Min(length, 4096)),
            2 => Math.Max(0, length - 1 - random.Next(Math.Min(length, 4096))),
            _ => random.Next(length),
        };
        int count = 1 + random.Next(3);
        for (int m = 0; m < count && bytes.Length > 1; m++)
        {
            switch (random.Next(6))
            {
                case 0: // flip a bit
                    bytes[Position(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // a random byte
                    bytes[Position(bytes.Length)] = (byte)random.Next(256);
                    break;
                case 2: // an extreme value, as lengths and counts are (0xff.., 0x7f.., 0x00..)
                    {
                        int at = Position(bytes.Length);
                        byte fill = new byte[] { 0xff, 0x7f, 0x00, 0x80 }[random.Next(4)];
                        for (int k = at; k < Math.Min(bytes.Length, at + 1 + random.Next(8)); k++) bytes[k] = fill;
                        break;
                    }
                case 3: // truncate
                    bytes = bytes[..Math.Max(1, Position(bytes.Length))];
                    break;
                case 4: // insert random bytes
                    {
                        int at = Position(bytes.Length);
                        var insert = new byte[1 + random.Next(16)];
                        random.NextBytes(insert);
                        bytes = bytes[..at].Concat(insert).Concat(bytes[at..]).ToArray();
                        break;
                    }
                default: // copy a block over another (repeated opcodes, duplicated records)
                    {
                        int from = Position(bytes.Length), to = Position(bytes.Length), n = Math.Min(1 + random.Next(64), Math.Min(bytes.Length - from, bytes.Length - to));
                        Array.Copy(bytes, from, bytes, to, n);
                        break;
                    }
            }
        }
        return bytes;
    }
}
