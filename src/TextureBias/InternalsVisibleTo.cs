using System.Runtime.CompilerServices;

// The tests run internal paths on the CPU that other devices take (the dense heatmap without the CPU's tuning).
[assembly: InternalsVisibleTo("TextureBias.Tests")]
