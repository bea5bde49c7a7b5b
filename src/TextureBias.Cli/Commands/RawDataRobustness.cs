using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using TextureBias.Observers;
using TextureBias.Reports;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias robustness --raw-data</c>: accuracy per condition of the observers in raw-data files (and the bundled humans), and pooled.</summary>
internal static class RawDataRobustness
{
    public static int Run(IReadOnlyList<string> files, string? humans, string? plot, bool json)
    {
        var observers = RawData.Observers(files);
        if (humans is not null) observers.AddRange(ErrorConsistency.BySubject(HumanObservers.Load().Of(humans)));
        var rows = new List<ConditionAccuracy>();
        foreach (var (name, trials) in observers) rows.AddRange(RawData.Accuracy(trials, pooled: false).Select(a => a with { Observer = name }));
        if (observers.Count > 1) rows.AddRange(RawData.Accuracy(observers.SelectMany(o => o.Trials).ToList()).Where(a => a.Observer == "pooled"));
        var conditions = rows.Select(a => a.Condition).Distinct().Order(ConditionOrder.Instance).ToList();
        if (plot is not null)
        {
            var series = rows.GroupBy(a => a.Observer).Select(g => (g.Key, (IReadOnlyList<double>)conditions
                .Select(c => g.FirstOrDefault(a => a.Condition == c)?.Accuracy ?? double.NaN).ToList())).ToList();
            ObserverAccuracyPlot.Save(plot, "Accuracy per condition" + (humans is null ? "" : $", {humans}"), "condition", conditions, series);
        }
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(rows.Select(a => new { observer = a.Observer, condition = a.Condition, trials = a.Trials, correct = a.Correct, accuracy = a.Accuracy })));
        else
        {
            var table = new Table().AddColumns("observer", "condition", "trials", "correct", "accuracy");
            foreach (var a in rows)
                table.AddRow(Markup.Escape(a.Observer), Markup.Escape(a.Condition), a.Trials.ToString(CultureInfo.InvariantCulture), a.Correct.ToString(CultureInfo.InvariantCulture),
                    (100 * a.Accuracy).ToString("0.0", CultureInfo.InvariantCulture) + "%");
            AnsiConsole.Write(table);
        }
        return CommandRunner.Ok;
    }
}
