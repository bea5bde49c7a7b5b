using System.Runtime.InteropServices;

namespace TextureBias.Native;

/// <summary>
/// The process's native environment (libc's <c>environ</c>), which LibTorch and oneDNN read:
/// .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes only its own
/// copy on Linux, so settings for native code are made here.
/// </summary>
internal static class NativeEnvironment
{
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr GetEnv(string name);

    /// <summary>Sets <paramref name="name"/> unless it is set already; whether the call succeeded.</summary>
    public static bool SetIfUnset(string name, string value) => SetEnv(name, value, 0) == 0;

    /// <summary>The native value of <paramref name="name"/>, or null.</summary>
    public static string? Get(string name) => Marshal.PtrToStringAnsi(GetEnv(name));
}
