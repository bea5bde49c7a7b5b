using Spectre.Console;
using TextureBias.Data;
using TextureBias.Imaging;

namespace TextureBias.Cli.Commands;

/// <summary>Runs a command body: user errors become one line on stderr and exit code 2; Ctrl-C exit 130.</summary>
internal static class CommandRunner
{
    public const int Ok = 0;
    public const int SomeInputsFailed = 1;
    public const int Failed = 2;
    public const int Interrupted = 130;

    /// <summary>stderr as a Spectre console (progress bars, warnings).</summary>
    public static IAnsiConsole Error { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>The running command's Ctrl-C token (downloads started deep inside a command stop with it).</summary>
    public static CancellationToken Cancellation { get; private set; }

    public static int Run(Func<CancellationToken, int> body)
    {
        using var cancel = new CancellationTokenSource();
        Cancellation = cancel.Token;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true; // let the job stop cleanly: no partial outputs
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return body(cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("texturebias: interrupted");
            return Interrupted;
        }
        catch (TextureBiasException e)
        {
            Console.Error.WriteLine($"texturebias: {e.Message}");
            return Failed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"texturebias: {e.Message}");
            return Failed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine(InternalError(e));
            return Failed;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The environment variable that makes an unexpected error print its stack trace.</summary>
    public const string DebugVariable = "TEXTUREBIAS_DEBUG";

    /// <summary>
    /// An error no input should cause (a bug): one line naming it, with the stack trace only when
    /// <c>TEXTUREBIAS_DEBUG=1</c>, never "Unhandled exception".
    /// </summary>
    internal static string InternalError(Exception e)
    {
        string first = (e.Message.Split('\n')[0]).TrimEnd('\r');
        string line = $"texturebias: internal error: {e.GetType().Name}: {first} (please report it; {DebugVariable}=1 shows where it happened)";
        return TextureBias.Models.Zoo.ZooOptions.IsSet(Environment.GetEnvironmentVariable(DebugVariable)) ? line + Environment.NewLine + e : line;
    }

    public static void Warn(string message) => Console.Error.WriteLine($"texturebias: warning: {message}");

    /// <summary>Whether a progress bar can be drawn on stderr without mixing with stdout's lines.</summary>
    public static bool CanShowProgress => !Console.IsErrorRedirected && Console.IsOutputRedirected;

    /// <summary>
    /// Runs <paramref name="body"/> with a progress bar on stderr when stderr is a terminal
    /// (the body reports how many of <paramref name="total"/> items are done).
    /// </summary>
    public static T WithProgress<T>(string description, int total, Func<Action<int>?, T> body)
    {
        if (Console.IsErrorRedirected || total <= 1) return body(null);
        T result = default!;
        Error.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(description, maxValue: total);
                result = body(n => task.Value = Math.Min(n, total));
            });
        return result;
    }

    /// <summary>
    /// Runs <paramref name="body"/> with one bar per stage on stderr (when it is a terminal); the body reports
    /// (stage, done, total).
    /// </summary>
    public static T WithStages<T>(IReadOnlyList<string> stages, Func<Action<string, int, int>?, T> body)
    {
        if (Console.IsErrorRedirected) return body(null);
        T result = default!;
        Error.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var tasks = stages.ToDictionary(s => s, s => ctx.AddTask(Markup.Escape(s), autoStart: false, maxValue: 1));
                result = body((stage, done, total) =>
                {
                    if (!tasks.TryGetValue(stage, out var task)) return;
                    if (!task.IsStarted) task.StartTask();
                    task.MaxValue = Math.Max(1, total);
                    task.Value = Math.Min(done, task.MaxValue);
                });
                foreach (var task in tasks.Values) task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>Writes a loss curve as CSV (iteration, loss), atomically.</summary>
    internal static void WriteLosses(string path, IEnumerable<(int Iteration, double Loss)> curve) =>
        AtomicFile.WriteText(path, "iteration,loss\n" + string.Concat(curve.Select(c => FormattableString.Invariant($"{c.Iteration},{c.Loss:R}\n"))));

    /// <summary>
    /// Runs <paramref name="body"/> with a bar on stderr (when it is a terminal); the body reports
    /// (done, total, loss) and the bar shows the latest loss.
    /// </summary>
    internal static T WithLossBar<T>(string description, int total, Func<Action<int, int, double>?, T> body)
    {
        if (Console.IsErrorRedirected) return body(null);
        T result = default!;
        CommandRunner.Error.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(description), maxValue: total);
                result = body((done, max, loss) =>
                {
                    task.MaxValue = Math.Max(1, max);
                    task.Value = Math.Min(done, task.MaxValue);
                    task.Description = Markup.Escape($"{description}  loss {loss:G4}");
                });
            });
        return result;
    }

    /// <summary>A comma-separated list of counts (<c>--steps 0,1,2,4</c>); a word that is not one is a <see cref="TextureBiasException"/> naming <paramref name="option"/> and <paramref name="unit"/>.</summary>
    public static List<int> Counts(string text, string option, string unit) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var k) ? k
                : throw new TextureBiasException($"{option}: '{t}' is not a number of {unit}")).ToList();

    /// <summary>Resize and crop sizes must be 0 (keep) or positive.</summary>
    public static Preprocessing Preprocessing(int resize, int crop)
    {
        CheckSizes(resize, crop);
        return new Preprocessing(resize, crop);
    }

    /// <summary>Refuses a negative --resize or --crop (null: not given).</summary>
    public static void CheckSizes(int? resize, int? crop)
    {
        if (resize < 0 || crop < 0) throw new TextureBiasException("--resize and --crop must be 0 (keep the size) or positive");
    }

    /// <summary>
    /// The preprocessing for <paramref name="model"/>: the evaluation transform its checkpoint
    /// records (else <paramref name="fallback"/>), with a given --resize or --crop replacing that
    /// size. Says on stderr when the checkpoint's transform is used.
    /// </summary>
    public static Preprocessing Preprocessing(Models.ImageClassifier model, int? resize, int? crop, Preprocessing fallback)
    {
        CheckSizes(resize, crop);
        var result = model.Metadata.EvaluationOr(fallback, resize, crop);
        if (model.Metadata.Evaluation is not null && (resize is null || crop is null))
            Console.Error.WriteLine($"texturebias: preprocessing as the checkpoint records it: {result} (--resize/--crop override)");
        return result;
    }
}
