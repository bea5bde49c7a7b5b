namespace TextureBias.Data;

/// <summary>
/// Where TextureBias keeps what it can make or fetch again: <c>$TEXTUREBIAS_CACHE</c>, else
/// <c>$XDG_CACHE_HOME/texturebias</c>, else <c>~/.cache/texturebias</c>; and where PyTorch keeps
/// its hub downloads (<c>$TORCH_HOME/hub/checkpoints</c>, else <c>$XDG_CACHE_HOME/torch/hub/checkpoints</c>,
/// else <c>~/.cache/torch/hub/checkpoints</c>), whose weight files are reused.
/// </summary>
public static class CacheFolders
{
    /// <summary>The environment variable that moves the whole cache.</summary>
    public const string CacheVariable = "TEXTUREBIAS_CACHE";

    /// <summary>The cache's root folder.</summary>
    public static string Root => Variable(CacheVariable) ?? Path.Combine(XdgCache, "texturebias");

    /// <summary>Downloaded weight files (<see cref="Models.Zoo.ModelZoo"/>).</summary>
    public static string Weights => Path.Combine(Root, "weights");

    /// <summary>Synthesised textures of texturised scrambling.</summary>
    public static string Textures => Path.Combine(Root, "textures");

    /// <summary>PyTorch's hub checkpoint folder, as <c>torch.hub.get_dir()</c> finds it.</summary>
    public static string TorchHubCheckpoints =>
        Path.Combine(Variable("TORCH_HOME") is { } torchHome ? ExpandHome(torchHome) : Path.Combine(XdgCache, "torch"), "hub", "checkpoints");

    private static string XdgCache => Variable("XDG_CACHE_HOME") is { } xdg ? ExpandHome(xdg)
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? ExpandHome(v) : null;

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..]
            : path;
}
