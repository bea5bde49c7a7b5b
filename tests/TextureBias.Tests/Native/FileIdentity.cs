using System.Runtime.InteropServices;

namespace TextureBias.Tests.Native;

/// <summary>Hard links, to tell whether a file was replaced (a new inode) or left as it was.</summary>
internal static class FileIdentity
{
    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string existing, string created);

    /// <summary>Makes <paramref name="created"/> a second name of <paramref name="existing"/>'s file.</summary>
    public static void HardLink(string existing, string created)
    {
        if (Link(existing, created) != 0) throw new IOException($"link {existing} {created} failed (errno {Marshal.GetLastPInvokeError()})");
    }

    /// <summary>Whether both names are the same file: appending through one lengthens the other (the append is undone).</summary>
    public static bool Same(string a, string b)
    {
        long before = new FileInfo(a).Length;
        var time = File.GetLastWriteTimeUtc(b);
        using (var s = new FileStream(b, FileMode.Append)) s.WriteByte(0);
        bool same = new FileInfo(a).Length == before + 1;
        using (var s = new FileStream(b, FileMode.Open)) s.SetLength(s.Length - 1);
        File.SetLastWriteTimeUtc(b, time);
        return same;
    }
}
