namespace TextureBias.Models.Serialization;

/// <summary>
/// Globals a pickle can name to run code under <c>torch.load</c> (without <c>weights_only</c>):
/// shell commands, <c>eval</c>, imports, file and network access. TextureBias never calls any
/// global, but a weight file that names one was made by someone who hoped it would run, so the
/// user is warned.
/// </summary>
internal static class DangerousGlobals
{
    private static readonly HashSet<string> Modules = new(StringComparer.Ordinal)
    {
        "os", "posix", "nt", "subprocess", "_posixsubprocess", "sys", "importlib", "runpy", "pty", "shutil", "socket",
        "pickle", "_pickle", "marshal", "ctypes", "code", "codeop", "webbrowser", "commands", "pdb", "bdb", "timeit",
        "multiprocessing", "asyncio", "platform", "popen2", "io", "_io", "urllib", "requests",
        "http", "ftplib", "smtplib", "telnetlib", "zipimport", "imp", "cProfile", "profile", "trace", "doctest",
        "distutils", "setuptools", "pip", "signal", "_thread",
        "torch._inductor", "torch.jit", "torch.hub", "numpy.testing", "numpy.f2py",
    };

    private static readonly HashSet<string> Builtins = new(StringComparer.Ordinal)
    {
        "eval", "exec", "execfile", "compile", "open", "file", "input", "raw_input", "__import__", "getattr", "setattr",
        "delattr", "globals", "locals", "vars", "breakpoint", "help", "exit", "quit", "memoryview", "apply", "reload",
    };

    /// <summary>Whether <paramref name="fullName"/> (<c>module.name</c>) can run code, touch files or the network.</summary>
    public static bool IsDangerous(string fullName)
    {
        int dot = fullName.LastIndexOf('.');
        string module = dot < 0 ? fullName : fullName[..dot], name = dot < 0 ? "" : fullName[(dot + 1)..];
        if (module is "builtins" or "__builtin__" or "__builtins__") return Builtins.Contains(name);
        for (string m = module; ; m = m[..m.LastIndexOf('.')])
        {
            if (Modules.Contains(m)) return true;
            if (!m.Contains('.')) return false;
        }
    }
}
