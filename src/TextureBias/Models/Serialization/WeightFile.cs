using TextureBias.Data;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace TextureBias.Models.Serialization;

/// <summary>
/// Reads and writes weight files: PyTorch's legacy (pre-1.6) and zip formats, pytorch/examples
/// training checkpoints (<c>{"state_dict": ..., "epoch": ...}</c>, with or without the
/// DataParallel <c>module.</c> prefix), whole pickled modules, and <c>.safetensors</c>.
/// Reading never executes code from the file.
/// </summary>
public static class WeightFile
{
    private static readonly string[] StateDictKeys = { "state_dict", "model", "model_state_dict", "state_dict_ema", "net", "params" };

    /// <summary>
    /// Receives warnings about weight files, such as a file whose pickle names code to run
    /// (<c>os.system</c>, <c>eval</c>, ...; nothing is ever run). Default: written to standard error.
    /// Each warning is given once per file and process.
    /// </summary>
    public static Action<string> Warning { get; set; } = message => Console.Error.WriteLine($"warning: {message}");

    private static readonly HashSet<string> Warned = new(StringComparer.Ordinal);

    /// <summary>Reads the state_dict (and checkpoint metadata) from <paramref name="path"/>.</summary>
    /// <exception cref="WeightFileException">
    /// The file is missing, truncated, not a weight file, holds no tensors, or is malformed in any
    /// way (every error of reading it is this exception, with a one-line reason).
    /// </exception>
    public static Checkpoint Read(string path) =>
        Reading(path, stream =>
        {
            switch (Sniff(stream))
            {
                case "zip":
                    return FromTree(path, TorchFile.LoadZip(stream), "zip");
                case "pickle":
                    return FromTree(path, TorchFile.LoadLegacy(stream), "legacy");
                case "safetensors":
                    var (tensors, elements) = SafetensorsReader.Read(stream);
                    return new Checkpoint(NormaliseKeys(tensors), new Dictionary<string, object?>(), "safetensors") { StoredElements = elements };
                case "tar":
                    throw new WeightFileException(path, "PyTorch's tar format (before 0.1.10) is not supported; re-save it with a newer PyTorch");
                case "hdf5":
                    throw new WeightFileException(path, "an HDF5 (Keras) weight file; use the PyTorch .pth/.pth.tar file");
                default:
                    throw new WeightFileException(path, "not a PyTorch or safetensors weight file (unrecognised content)");
            }
        });

    /// <summary>The whole unpickled tree of a PyTorch file (legacy or zip), tensors at the leaves.</summary>
    internal static object? ReadTree(string path) =>
        Reading(path, stream =>
        {
            var tree = Sniff(stream) switch
            {
                "zip" => TorchFile.LoadZip(stream),
                "pickle" => TorchFile.LoadLegacy(stream),
                _ => throw new WeightFileException(path, "not a PyTorch checkpoint"),
            };
            WarnAboutGlobals(path, tree);
            return tree.Root;
        });

    /// <summary>
    /// Opens <paramref name="path"/> (an existing, non-empty file) and reads it with <paramref name="read"/>;
    /// any failure becomes one <see cref="WeightFileException"/>.
    /// </summary>
    private static T Reading<T>(string path, Func<FileStream, T> read)
    {
        if (!File.Exists(path))
            throw new WeightFileException(path, Directory.Exists(path) ? "is a folder, not a weight file" : "no such file");
        // Devices, pipes and /proc files report 0 bytes: refused before opening (a pipe would block).
        if (new FileInfo(path).Length == 0) throw new WeightFileException(path, "empty file (0 bytes), or not a regular file");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            return read(stream);
        }
        catch (WeightFileException) { throw; }
        catch (Exception e) when (e is IOException and not EndOfStreamException || e is UnauthorizedAccessException)
        {
            throw new WeightFileException(path, $"cannot read the file ({e.Message})", e);
        }
        catch (OutOfMemoryException e)
        {
            throw new WeightFileException(path, "not readable: it needs more memory than this machine has", e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // FormatException, EndOfStreamException, InvalidDataException, JsonException, LibTorch's errors,
            // and whatever a malformed file can still provoke: one line, never a stack trace.
            string reason = e is FormatException or EndOfStreamException or InvalidDataException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            throw new WeightFileException(path, $"not a readable weight file: {reason}", e);
        }
    }

    private static string Sniff(Stream stream)
    {
        var head = new byte[Math.Min(512, stream.Length)];
        stream.ReadExactly(head);
        stream.Position = 0;
        return TorchFile.Sniff(head);
    }

    /// <summary>Warns once per file about globals that would run code under <c>torch.load</c>.</summary>
    private static void WarnAboutGlobals(string path, TorchTree tree)
    {
        var dangerous = tree.Globals.Where(DangerousGlobals.IsDangerous).Select(name => TorchFile.Printable(name)).ToList();
        if (dangerous.Count == 0) return;
        lock (Warned)
            if (!Warned.Add(Path.GetFullPath(path) + "\n" + string.Join(",", dangerous))) return;
        string names = string.Join(", ", dangerous.Take(5)) + (dangerous.Count > 5 ? $" and {dangerous.Count - 5} more" : "");
        Warning($"{path}: its pickle names {names}, code that torch.load would run; nothing was run, only the tensors were read. Where does this file come from?");
    }

    /// <summary>Writes a tree of plain values and tensors (a training checkpoint) in PyTorch's legacy format, atomically.</summary>
    internal static void SaveTree(string path, object? tree) => AtomicFile.Write(path, s => LegacyTorchWriter.WriteObject(s, tree));

    /// <summary>
    /// Writes <paramref name="stateDict"/> atomically: <c>.safetensors</c> by that extension,
    /// otherwise PyTorch's zip format, or with <paramref name="legacy"/> PyTorch's pre-1.6 format
    /// (that of the published weights); <c>torch.load</c> reads both.
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> stateDict, bool legacy = false)
    {
        if (legacy)
        {
            AtomicFile.Write(path, stream => LegacyTorchWriter.Write(stream, stateDict.Select(kv => (kv.Key, kv.Value)).ToList()));
            return;
        }
        // In a scope, so that no intermediate tensor is finalised by the GC while LibTorch still reads it.
        Dictionary<string, Tensor> dict;
        using (NewDisposeScope())
            dict = stateDict.ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().contiguous().DetachFromDisposeScope());
        try
        {
            AtomicFile.Write(path, stream =>
            {
                if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                    Safetensors.SaveStateDict(stream, dict, leaveOpen: true);
                else
                {
                    // An ordered dict keeps the state_dict's key order in the file, as torch.save does.
                    var ordered = new System.Collections.Specialized.OrderedDictionary();
                    foreach (var (key, t) in dict) ordered.Add(key, t);
                    PyTorchPickler.PickleStateDict(stream, ordered, leaveOpen: true);
                }
            });
        }
        finally
        {
            foreach (var (key, t) in dict)
                if (!ReferenceEquals(t, stateDict[key])) t.Dispose();
        }
    }

    private static Checkpoint FromTree(string path, TorchTree tree, string format)
    {
        WarnAboutGlobals(path, tree);
        var root = tree.Root;
        var metadata = new Dictionary<string, object?>();
        var usage = ModelMetadata.None;
        PyDict? stateDict = null;
        if (root is PyDict d)
        {
            // A checkpoint wraps the state_dict under a known key; otherwise the dict is the state_dict.
            foreach (var key in StateDictKeys)
            {
                if (!d.TryGetValue(key, out var inner)) continue;
                if (inner is PyDict sd && IsStateDict(sd)) stateDict = sd;
                else if (inner is PyInstance module) stateDict = FromModule(module);
                if (stateDict != null) break;
            }
            if (stateDict != null)
            {
                foreach (var (k, v) in d)
                    if (k is string name && Plain(v) is { } value) metadata[name] = value;
                usage = ModelMetadata.FromCheckpoint(d);
            }
            else if (IsStateDict(d)) stateDict = d;
        }
        else if (root is PyInstance module)
        {
            stateDict = FromModule(module);
        }

        if (stateDict is null || stateDict.Count == 0)
        {
            string what = root is PyDict top
                ? $"a dict with keys {string.Join(", ", top.Keys.Take(8))} and no state_dict among them"
                : $"a {PickleReader.Describe(root)}";
            what = TorchFile.Printable(what);
            throw new WeightFileException(path, $"holds no model weights ({what})");
        }
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (k, v) in stateDict)
            if (k is string name && v is Tensor t) tensors[name] = t;
        return new Checkpoint(NormaliseKeys(tensors), metadata, format) { ModelMetadata = usage, StoredElements = tree.StoredElements };
    }

    private static bool IsStateDict(PyDict d) => d.Count > 0 && d.Values.Any(v => v is Tensor) && d.Keys.All(k => k is string);

    /// <summary>The state_dict of a whole pickled <c>nn.Module</c>, from its _parameters, _buffers and _modules.</summary>
    private static PyDict FromModule(PyInstance module)
    {
        var result = new PyDict();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        void Walk(PyInstance m, string prefix, int depth)
        {
            if (!seen.Add(m)) return; // a module that holds itself, or one shared by two parents, counts once
            if (depth > 100) throw new FormatException("its modules nest more than 100 levels deep");
            if (m.State is not PyDict state) return;
            foreach (var field in new[] { "_parameters", "_buffers" })
                if (state.TryGetValue(field, out var p) && p is PyDict tensors)
                    foreach (var (k, v) in tensors)
                        if (v is Tensor) result[prefix + k] = v;
            if (state.TryGetValue("_modules", out var mods) && mods is PyDict children)
                foreach (var (k, v) in children)
                    if (v is PyInstance child) Walk(child, prefix + k + ".", depth + 1);
        }
        Walk(module, "", 0);
        return result;
    }

    private static object? Plain(object? v) => v switch
    {
        long or double or string or bool => v,
        Tensor { NumberOfElements: 1 } t => t.to(ScalarType.Float64).item<double>(),
        _ => null,
    };

    /// <summary>Drops DataParallel's <c>module</c> path segments (<c>module.conv1.weight</c>, <c>features.module.0.weight</c>).</summary>
    internal static Dictionary<string, Tensor> NormaliseKeys(Dictionary<string, Tensor> tensors)
    {
        var result = new Dictionary<string, Tensor>(tensors.Count);
        foreach (var (k, v) in tensors)
            result[string.Join('.', k.Split('.').Where(s => s != "module"))] = v;
        return result;
    }
}
