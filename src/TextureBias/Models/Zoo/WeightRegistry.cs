using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TextureBias.Models.Zoo;

/// <summary>
/// The named weights TextureBias can fetch, kept as data (<c>Resources/weights-registry.json</c>).
/// Users can add entries or replace them (a lab mirror, their own networks) with a file of the
/// same form, named by <c>TEXTUREBIAS_REGISTRY</c>. Every entry must have https URLs only, a
/// hash (a whole SHA-256, or a hash prefix in its file name) and a size or size bound.
/// </summary>
public sealed class WeightRegistry
{
    /// <summary>The environment variable naming an extra registry file, merged over the built-in one.</summary>
    public const string RegistryVariable = "TEXTUREBIAS_REGISTRY";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private readonly Dictionary<string, PretrainedWeights> byName;

    /// <summary>Makes a registry of <paramref name="entries"/>, checking each.</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="source">What errors name (a file).</param>
    /// <param name="allowInsecureLocalhost">For tests only: accept plain http URLs on the loopback address (see <see cref="ZooOptions.AllowInsecureLocalhost"/>).</param>
    /// <exception cref="TextureBiasException">An entry is incomplete, has a URL that is not https, or a name repeats.</exception>
    public WeightRegistry(IEnumerable<PretrainedWeights> entries, string source = "registry", bool allowInsecureLocalhost = false)
    {
        Entries = entries.ToList();
        AllowsInsecureLocalhost = allowInsecureLocalhost;
        byName = new Dictionary<string, PretrainedWeights>(StringComparer.OrdinalIgnoreCase);
        foreach (var e in Entries)
        {
            Validate(e, source, allowInsecureLocalhost);
            if (!byName.TryAdd(e.Name, e)) throw new TextureBiasException($"{source}: the name '{e.Name}' is registered twice");
        }
    }

    /// <summary>The entries in registry order.</summary>
    public IReadOnlyList<PretrainedWeights> Entries { get; }

    /// <summary>Whether plain http URLs on the loopback address were accepted (tests only).</summary>
    public bool AllowsInsecureLocalhost { get; }

    /// <summary>The built-in registry.</summary>
    public static WeightRegistry BuiltIn { get; } = Parse(ReadResource(), "built-in weight registry");

    /// <summary>
    /// The built-in registry, with the entries of the file named by <c>TEXTUREBIAS_REGISTRY</c>
    /// (if set) added or replacing those of the same name. <c>TEXTUREBIAS_TEST_INSECURE_LOCALHOST=1</c>
    /// lets that file name loopback http URLs (tests only).
    /// </summary>
    public static WeightRegistry FromEnvironment() =>
        Environment.GetEnvironmentVariable(RegistryVariable) is { Length: > 0 } path
            ? BuiltIn.With(Load(path, ZooOptions.IsSet(Environment.GetEnvironmentVariable(ZooOptions.InsecureLocalhostVariable))))
            : BuiltIn;

    /// <summary>Reads a registry file (<c>{"weights": [...]}</c>, the built-in one's form).</summary>
    public static WeightRegistry Load(string path, bool allowInsecureLocalhost = false)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TextureBiasException($"{path}: cannot read the weight registry: {e.Message}");
        }
        return Parse(text, path, allowInsecureLocalhost);
    }

    /// <summary>Parses registry JSON; <paramref name="source"/> names it in errors.</summary>
    public static WeightRegistry Parse(string json, string source, bool allowInsecureLocalhost = false)
    {
        RegistryFile? file;
        try
        {
            file = JsonSerializer.Deserialize<RegistryFile>(json, Json);
        }
        catch (JsonException e)
        {
            throw new TextureBiasException($"{source}: not a weight registry: {e.Message}");
        }
        if (file?.Weights is null) throw new TextureBiasException($"{source}: not a weight registry (no \"weights\" list)");
        return new WeightRegistry(file.Weights, source, allowInsecureLocalhost);
    }

    /// <summary>This registry with <paramref name="other"/>'s entries added (or replacing those of the same name).</summary>
    public WeightRegistry With(WeightRegistry other)
    {
        var replaced = other.Entries.Select(e => e.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new WeightRegistry(Entries.Where(e => !replaced.Contains(e.Name)).Concat(other.Entries), "registry",
            AllowsInsecureLocalhost || other.AllowsInsecureLocalhost);
    }

    /// <summary>The entry named <paramref name="name"/> (any case), or null.</summary>
    public PretrainedWeights? Find(string name) => byName.GetValueOrDefault(name);

    /// <summary>The entry named <paramref name="name"/>.</summary>
    /// <exception cref="TextureBiasException">No such entry; the message lists the known names.</exception>
    public PretrainedWeights Get(string name) =>
        Find(name) ?? throw new TextureBiasException($"no registered weights named '{name}' (known: {string.Join(", ", Entries.Select(e => e.Name))})");

    private static void Validate(PretrainedWeights e, string source, bool allowInsecureLocalhost)
    {
        string Where() => $"{source}: weights '{e.Name}'";
        if (string.IsNullOrWhiteSpace(e.Name)) throw new TextureBiasException($"{source}: an entry has no name");
        if (string.IsNullOrWhiteSpace(e.File) || e.File != Path.GetFileName(e.File) || e.File.StartsWith('.'))
            throw new TextureBiasException($"{Where()}: the file must be a plain file name, not '{e.File}'");
        if (e.Urls is null || e.Urls.Count == 0) throw new TextureBiasException($"{Where()}: no URL");
        foreach (var url in e.Urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
                throw new TextureBiasException($"{Where()}: '{url}' is not an https URL");
            if (!ZooOptions.IsPermitted(u, allowInsecureLocalhost))
                throw new TextureBiasException($"{Where()}: '{url}' is plain http; only https URLs are accepted (a file fetched over http could be swapped on the way)");
        }
        if (e.Sha256 is not null && (e.Sha256.Length != 64 || !e.Sha256.All(Uri.IsHexDigit)))
            throw new TextureBiasException($"{Where()}: sha256 must be 64 hex digits");
        if (e.Sha256 is null && PretrainedWeights.HashPrefixOf(e.File) is null)
            throw new TextureBiasException($"{Where()}: no sha256 and no hash prefix in the file name, so a download could not be checked");
        if (e.Sha256 is not null && PretrainedWeights.HashPrefixOf(e.File) is { } prefix && !e.Sha256.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            throw new TextureBiasException($"{Where()}: sha256 does not begin with the file name's hash prefix {prefix}");
        if (e.Size is <= 0 || e.MaxSize is <= 0)
            throw new TextureBiasException($"{Where()}: size and maxSize must be positive numbers of bytes");
        if (e.Size is not null && e.MaxSize is not null)
            throw new TextureBiasException($"{Where()}: give size (the exact bytes) or maxSize (an upper bound in bytes), not both");
        if (e.SizeLimit is null)
            throw new TextureBiasException($"{Where()}: no size (the file's exact bytes) or maxSize (an upper bound in bytes), so a download could not be bounded");
        if (e.Kind == WeightKind.Classifier && (e.Architecture is null || !Architectures.Names.Contains(e.Architecture.ToLowerInvariant())))
            throw new TextureBiasException($"{Where()}: a classifier needs an architecture among {string.Join(", ", Architectures.Names)}");
        foreach (var alias in e.TorchHubFiles ?? Array.Empty<string>())
            if (alias != Path.GetFileName(alias) || PretrainedWeights.HashPrefixOf(alias) is null)
                throw new TextureBiasException($"{Where()}: the torch hub name '{alias}' must be a file name with a hash prefix");
    }

    private static string ReadResource()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("TextureBias.Resources.weights-registry.json")
            ?? throw new InvalidOperationException("the built-in weight registry is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed record RegistryFile(List<PretrainedWeights>? Weights);
}
