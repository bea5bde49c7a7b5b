using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using TextureBias.Distortions;
using TextureBias.Evaluation;
using TextureBias.Observers;
using TextureBias.Reports;

namespace TextureBias.Cli.Commands;

/// <summary>What <c>robustness</c> prints and draws: per distortion a table of accuracy per level and model beside the humans, JSON, a figure.</summary>
internal static class RobustnessReport
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write(IReadOnlyList<IDistortion> kinds, IReadOnlyList<IReadOnlyList<DistortionLevel>> levels, IReadOnlyList<RobustnessCell> cells, string? plot, bool json)
    {
        var humans = kinds.Select((k, i) => HumanRobustness.At(k, levels[i])).ToList();
        if (plot is not null) RobustnessFigure.Save(plot, RobustnessPanels.Build(kinds, levels, cells, humans), kinds.Count == 1 ? null : "Accuracy under distortions");
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                models = cells.SelectMany(c => c.Points),
                humans = kinds.SelectMany((k, i) => humans[i] is not { } h ? [] : h.Where(x => x.Subjects > 0).Select(x => new
                {
                    distortion = k.Name, experiment = HumanRobustness.ExperimentOf(k.Name), x.Condition, x.Mean, x.Min, x.Max, x.Subjects, x.Trials,
                })),
            }, Json));
            return;
        }
        static string P(double? x) => x is { } v && !double.IsNaN(v) ? (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "–";
        for (int d = 0; d < kinds.Count; d++)
        {
            var mine = cells.Where(c => c.Distortion == kinds[d].Name).ToList();
            var models = mine.SelectMany(c => c.Points.Select(p => p.Model)).Distinct().ToList();
            bool sixteen = mine.SelectMany(c => c.Points).Any(p => p.SixteenClass is not null);
            bool topK = mine.SelectMany(c => c.Points).Any(p => p.Top1 is not null);
            var table = new Table { Title = new TableTitle(Markup.Escape(kinds[d].Name)) }.AddColumn("level");
            foreach (var m in models)
            {
                if (sixteen) table.AddColumn(Markup.Escape(m + (topK ? " 16-class" : "")));
                if (topK) { table.AddColumn(Markup.Escape(m + " top-1")); table.AddColumn(Markup.Escape(m + " top-5")); }
            }
            if (humans[d] is not null) table.AddColumn("humans (16-class)");
            for (int l = 0; l < levels[d].Count; l++)
            {
                var level = levels[d][l];
                var row = new List<string> { Markup.Escape(level.Condition) };
                var cell = mine.FirstOrDefault(c => c.Level.Condition == level.Condition);
                foreach (var m in models)
                {
                    var p = cell?.Points.FirstOrDefault(x => x.Model == m);
                    if (sixteen) row.Add(P(p?.SixteenClass));
                    if (topK) { row.Add(P(p?.Top1)); row.Add(P(p?.Top5)); }
                }
                if (humans[d] is { } h) row.Add(h[l].Subjects == 0 ? "–" : $"{P(h[l].Mean)} ({P(h[l].Min)}–{P(h[l].Max)})");
                table.AddRow(row.ToArray());
            }
            AnsiConsole.Write(table);
        }
        int images = cells.Count == 0 ? 0 : cells[0].Points[0].Images;
        AnsiConsole.WriteLine($"{images} image(s) per level; humans: mean of the 4 subjects of model-vs-human's experiment (lowest–highest), on its own stimuli.");
    }
}
