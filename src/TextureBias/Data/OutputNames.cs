using System.Text;

namespace TextureBias.Data;

/// <summary>
/// Gives each input of a folder job its own output file inside the output folder. An output
/// is refused (with the reason, so that the job skips that one input and goes on) when it
/// would leave the output folder, when its name is longer than a file name may be, or when an
/// earlier input already has it: two inputs never silently write one file.
/// </summary>
internal sealed class OutputNames
{
    /// <summary>The longest file name, in UTF-8 bytes, that Linux file systems take (NAME_MAX).</summary>
    public const int MaxNameBytes = 255;

    private readonly string _root;
    private readonly Dictionary<string, string> _owners;

    /// <summary>Outputs inside <paramref name="outRoot"/>.</summary>
    public OutputNames(string outRoot)
    {
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outRoot));
        // Names that differ only in case are one file on Windows and macOS.
        _owners = new Dictionary<string, string>(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Claims <paramref name="output"/> (a path inside the output folder) for <paramref name="input"/>:
    /// null when it is the input's now, else why not (one line, without the input's name).
    /// </summary>
    public string? Claim(string input, string output) => Claim(input, new[] { output });

    /// <summary>
    /// Claims all of <paramref name="outputs"/> for <paramref name="input"/>, or none: null when
    /// they are the input's now, else why not (also when two of them are one file).
    /// </summary>
    public string? Claim(string input, IReadOnlyList<string> outputs)
    {
        var full = new List<string>(outputs.Count);
        foreach (var output in outputs)
        {
            string path = Path.GetFullPath(output);
            if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                return $"its output {output} would leave the output folder {_root}";
            int bytes = Encoding.UTF8.GetByteCount(Path.GetFileName(path));
            if (bytes > MaxNameBytes)
                return $"its output name would be {bytes} bytes long, more than the {MaxNameBytes} a file name may have";
            if (_owners.TryGetValue(path, out var owner))
                return $"its output {Path.GetRelativePath(_root, path)} is already that of {owner} (not overwritten)";
            if (full.Contains(path, _owners.Comparer))
                return $"two of its outputs would be one file, {Path.GetRelativePath(_root, path)}";
            full.Add(path);
        }
        foreach (var path in full) _owners[path] = input;
        return null;
    }
}
