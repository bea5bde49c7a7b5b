using System.IO.Enumeration;
using System.Runtime.InteropServices;

namespace TextureBias.Data;

/// <summary>
/// The one folder walker of the library: every recursive listing of files goes through it.
/// Symbolic links to folders are followed (ImageNet trees are often assembled from links),
/// but each real folder is walked once: a folder whose real path (all links resolved) was
/// walked already, or that is an ancestor of the folder holding the link, is passed over, so
/// link loops (<c>loop -> ..</c>, two links to each other, a link to itself) end at once.
/// Folders reached without links are walked before those reached through a link, so a linked
/// alias never hides the real folder. Broken links and links to themselves are skipped; a link
/// to a file is a file. Hidden entries (names starting with a dot) and folders that cannot be
/// read are skipped; <see cref="MaxDepth"/> levels is a backstop against anything else.
/// </summary>
public static class FolderWalker
{
    /// <summary>Folder levels below the starting folder that are walked at most.</summary>
    public const int MaxDepth = 256;

    private static readonly EnumerationOptions Listing = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.Hidden,
        ReturnSpecialDirectories = false,
    };

    private readonly record struct Entry(string Name, bool IsFolder, bool IsLink);

    /// <summary>
    /// The files under <paramref name="root"/> (all levels) that <paramref name="include"/>
    /// accepts (all when null), sorted by ordinal path. Paths start with <paramref name="root"/>
    /// as given.
    /// </summary>
    /// <exception cref="TextureBiasException"><paramref name="root"/> is not a folder.</exception>
    public static List<string> Files(string root, Func<string, bool>? include = null, int maxDepth = MaxDepth)
    {
        if (!Directory.Exists(root)) throw new TextureBiasException($"{root}: no such folder");
        var result = new List<string>();
        var walked = new HashSet<string>(PathComparer);
        var linked = new Queue<(string Path, string HolderReal, int Depth)>();
        string rootReal = RealPath(root) ?? Path.GetFullPath(root);
        walked.Add(rootReal);
        Walk(root, rootReal, 0);
        while (linked.TryDequeue(out var link))
        {
            string? real = RealPath(link.Path);
            if (real is null || walked.Contains(real) || IsAncestorOrSelf(real, link.HolderReal)) continue;
            walked.Add(real);
            Walk(link.Path, real, link.Depth);
        }
        result.Sort(StringComparer.Ordinal);
        return result;

        void Walk(string folder, string folderReal, int depth)
        {
            foreach (var entry in List(folder))
            {
                string path = Path.Join(folder, entry.Name);
                if (entry.IsFolder)
                {
                    if (depth + 1 > maxDepth) continue;
                    if (entry.IsLink) linked.Enqueue((path, folderReal, depth + 1)); // after the folders reached without links
                    else
                    {
                        // Not a link in a real folder: its real path is the folder's and its name.
                        string real = Path.Join(folderReal, entry.Name);
                        if (walked.Add(real)) Walk(path, real, depth + 1);
                    }
                }
                else if (entry.IsLink && RealPath(path) is null) continue; // broken, or a loop of links (File.Exists says true for these)
                else if (include is null || include(path)) result.Add(path);
            }
        }
    }

    /// <summary>The names of the visible folders in <paramref name="root"/> (links to folders included), sorted ordinally.</summary>
    public static List<string> Subfolders(string root)
    {
        var names = List(root).Where(e => e.IsFolder).Select(e => e.Name).ToList();
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>
    /// <paramref name="path"/> with every link resolved, absolute (libc <c>realpath</c> on Unix);
    /// null when it cannot be resolved (missing, a broken link, a link loop).
    /// </summary>
    public static string? RealPath(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                var info = new DirectoryInfo(path);
                var target = info.Exists ? info.ResolveLinkTarget(returnFinalTarget: true) : null;
                return info.Exists ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(target?.FullName ?? info.FullName)) : null;
            }
            catch (IOException)
            {
                return null;
            }
        }
        IntPtr resolved = Unix.RealPath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero) return null;
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Unix.Free(resolved);
        }
    }

    private static StringComparer PathComparer => OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>Whether <paramref name="candidate"/> is <paramref name="of"/> or a folder above it (both real paths).</summary>
    private static bool IsAncestorOrSelf(string candidate, string of)
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (string.Equals(candidate, of, comparison)) return true;
        string prefix = Path.EndsInDirectorySeparator(candidate) ? candidate : candidate + Path.DirectorySeparatorChar;
        return of.StartsWith(prefix, comparison);
    }

    /// <summary>The visible entries of one folder, sorted by name; none when it cannot be read (or vanished).</summary>
    private static List<Entry> List(string folder)
    {
        try
        {
            var entries = new FileSystemEnumerable<Entry>(folder,
                (ref FileSystemEntry e) => new Entry(e.FileName.ToString(), e.IsDirectory, (e.Attributes & FileAttributes.ReparsePoint) != 0), Listing).ToList();
            entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name)); // the same walk, whatever order the file system lists
            return entries;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new List<Entry>();
        }
    }

    private static class Unix
    {
        [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
        public static extern IntPtr RealPath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

        [DllImport("libc", EntryPoint = "free")]
        public static extern void Free(IntPtr pointer);
    }
}
