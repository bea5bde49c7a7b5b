namespace TextureBias.Tests.Cli;

/// <summary>
/// The environment of a CLI run against a test registry: its own caches, online, no proxy for the
/// local server, and plain http allowed for that loopback server only (a test-only switch).
/// </summary>
internal static class ZooEnvironment
{
    public static Dictionary<string, string> For(string dir, string registry, string cache) => new()
    {
        ["TEXTUREBIAS_REGISTRY"] = registry,
        ["TEXTUREBIAS_CACHE"] = cache,
        ["TORCH_HOME"] = Path.Combine(dir, "torch"),
        ["TEXTUREBIAS_OFFLINE"] = "",
        ["NO_PROXY"] = "127.0.0.1,localhost",
        ["TEXTUREBIAS_TEST_INSECURE_LOCALHOST"] = "1",
    };
}
