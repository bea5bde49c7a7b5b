using System.Diagnostics;

namespace TextureBias.Tests.Cli;

/// <summary>Runs the texturebias command as a separate process, as a user would.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    /// <summary>Runs with these environment variables set (on top of the test's own).</summary>
    public static Result RunWith(IReadOnlyDictionary<string, string> environment, params string[] args) => Start(null, environment, args);

    /// <summary>Runs in <paramref name="directory"/> (for relative paths).</summary>
    public static Result RunIn(string directory, params string[] args) => Start(directory, new Dictionary<string, string>(), args);

    private static Result Start(string? directory, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "TextureBias.Cli.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (directory is not null) psi.WorkingDirectory = directory;
        // Bench lines take this peak: the suite never measures one (on a busy machine) nor writes it
        // to the user's peak cache. Tests of the peak itself set it empty (unset).
        psi.Environment["TEXTUREBIAS_PEAK"] = "100";
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        psi.ArgumentList.Add(exe);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(300_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"texturebias {string.Join(' ', args)} did not finish");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>No stack trace, ever: every error is a single line.</summary>
    public static void AssertNoStackTrace(Result r)
    {
        Xunit.Assert.DoesNotContain("   at ", r.Stderr);
        Xunit.Assert.DoesNotContain("Unhandled exception", r.Stderr);
    }

    /// <summary>The command stopped with exit code 2, nothing on stdout and exactly <c>texturebias: message</c> on stderr.</summary>
    public static void AssertOneLineError(Result r, string message)
    {
        AssertNoStackTrace(r);
        Xunit.Assert.Equal(2, r.ExitCode);
        Xunit.Assert.Equal("", r.Stdout);
        Xunit.Assert.Equal($"texturebias: {message}", r.Stderr.TrimEnd('\n'));
    }
}
