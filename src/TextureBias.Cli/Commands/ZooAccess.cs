using Spectre.Console;
using TextureBias.Data;
using TextureBias.Models.Zoo;

namespace TextureBias.Cli.Commands;

/// <summary>
/// The command line's one <see cref="ModelZoo"/>: the global <c>--offline</c> and <c>--cache-dir</c>
/// over the environment (<c>TEXTUREBIAS_OFFLINE</c>, <c>TEXTUREBIAS_CACHE</c>, <c>TEXTUREBIAS_REGISTRY</c>),
/// with download bars on stderr.
/// </summary>
internal static class ZooAccess
{
    private static ModelZoo? zoo;

    /// <summary>Set from the global options before a command runs.</summary>
    public static bool Offline { get; set; }

    /// <summary>Set from the global <c>--cache-dir</c> (the weights folder) before a command runs.</summary>
    public static string? CacheDir { get; set; }

    public static ModelZoo Zoo => zoo ??= Create();

    private static ModelZoo Create()
    {
        var options = ZooOptions.FromEnvironment();
        options = options with
        {
            Offline = options.Offline || Offline,
            CacheDir = CacheDir ?? options.CacheDir,
            Log = message => Console.Error.WriteLine($"texturebias: {message}"),
        };
        return new ModelZoo(WeightRegistry.FromEnvironment(), options);
    }

    /// <summary>The registry entry a weights argument names; null for a file (a file wins over a name) or an unknown name.</summary>
    public static PretrainedWeights? Registered(string? nameOrPath) =>
        nameOrPath is null || File.Exists(nameOrPath) ? null : Zoo.Registry.Find(nameOrPath);

    /// <summary>A weights argument: an existing file, or registered weights of <paramref name="kind"/> (fetched if needed).</summary>
    public static string Resolve(string nameOrPath, WeightKind kind, CancellationToken cancel = default)
    {
        if (cancel == default) cancel = CommandRunner.Cancellation;
        if (File.Exists(nameOrPath)) return nameOrPath;
        if (Registered(nameOrPath) is { } weights && weights.Kind == kind) return Fetch(weights, cancel);
        return Zoo.Resolve(nameOrPath, kind, null, cancel); // explains what is wrong
    }

    /// <summary>The local file of <paramref name="weights"/>, downloading it with a bar (or log lines) if needed.</summary>
    public static string Fetch(PretrainedWeights weights, CancellationToken cancel = default)
    {
        if (cancel == default) cancel = CommandRunner.Cancellation;
        if (Zoo.LocateAsync(weights.Name, cancel).GetAwaiter().GetResult() is { } local) return local;
        if (Zoo.Options.Offline) return Download(weights.Name, null, cancel); // says what is missing
        var status = Zoo.Status(weights);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        string from = status.Location == WeightLocation.Partial ? $"resuming at {ByteSize.Format(status.Bytes)}" : $"from {new Uri(weights.Urls[0]).Authority}";
        string path;
        if (Console.IsErrorRedirected)
        {
            Console.Error.WriteLine($"texturebias: downloading {weights.Name} ({weights.File}) {from}");
            path = Download(weights.Name, null, cancel);
        }
        else
        {
            path = "";
            CommandRunner.Error.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
                    new TransferSpeedColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(weights.Name), autoStart: true, maxValue: 1);
                    task.IsIndeterminate = true;
                    var progress = new Reporter(p =>
                    {
                        if (p.TotalBytes is { } total && total > 0)
                        {
                            task.IsIndeterminate = false;
                            task.MaxValue = total;
                        }
                        task.Value = p.Bytes;
                    });
                    path = Download(weights.Name, progress, cancel);
                    task.MaxValue = Math.Max(1, task.Value);
                    task.StopTask();
                });
        }
        Console.Error.WriteLine($"texturebias: {weights.Name}: {ByteSize.Format(new FileInfo(path).Length)} in {watch.Elapsed.TotalSeconds:0.0} s, SHA-256 checked, saved as {path}");
        return path;
    }

    private static string Download(string name, IProgress<DownloadProgress>? progress, CancellationToken cancel) =>
        Zoo.DownloadAsync(name, progress, cancel).GetAwaiter().GetResult();

    /// <summary>Reports synchronously on the downloading thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
    private sealed class Reporter(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
