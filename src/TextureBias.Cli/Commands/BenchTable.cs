using System.Globalization;
using Spectre.Console;
using TextureBias.Evaluation;

namespace TextureBias.Cli.Commands;

/// <summary>The table <c>bench all</c> ends with: each benchmark's speed, GFLOP/s, share of the peak and peak resident memory.</summary>
internal static class BenchTable
{
    public static void Write(IReadOnlyList<BenchmarkSuiteRow> rows)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        var table = new Table().Title("texturebias bench all")
            .AddColumn("benchmark").AddColumn("speed").AddColumn(new TableColumn("GFLOP/s").RightAligned())
            .AddColumn(new TableColumn("% of peak").RightAligned()).AddColumn(new TableColumn("peak RSS MB").RightAligned());
        foreach (var row in rows)
        {
            var line = row.Line;
            table.AddRow(
                Markup.Escape(row.Name),
                Markup.Escape(row.Error is null ? row.Speed : "failed: " + row.Error),
                line?.Gflops is { } g ? g.ToString("F1", CultureInfo.InvariantCulture) : "-",
                line?.FractionOfPeak is { } f ? (100 * f).ToString("F1", CultureInfo.InvariantCulture) : "-",
                line?.PeakRssMb is { } m ? m.ToString("F0", CultureInfo.InvariantCulture) : "-");
        }
        console.Write(table);
        if (rows.FirstOrDefault(r => r.Line is not null)?.Line?.PeakGflops is { } peak)
            console.WriteLine($"peak: {peak.ToString("F1", CultureInfo.InvariantCulture)} GFLOP/s ({rows.First(r => r.Line is not null).Line!.PeakSource})");
    }
}
