using TextureBias.Data;
using Xunit;

namespace TextureBias.Tests.Data;

public class FolderWalkerTests : TempDirTest
{
    private string Touch(string relative)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, relative);
        return path;
    }

    private void Link(string relative, string target) =>
        File.CreateSymbolicLink(Path.Combine(_dir, relative), target);

    private List<string> Relative(IEnumerable<string> paths, string root) =>
        paths.Select(p => Path.GetRelativePath(root, p).Replace(Path.DirectorySeparatorChar, '/')).ToList();

    [Fact]
    public void LinkLoopsEndAndEveryRealFolderIsWalkedOnce()
    {
        if (OperatingSystem.IsWindows()) return; // symbolic links need privileges there
        string root = Path.Combine(_dir, "root");
        Touch("root/a/1.png");
        Touch("root/b/2.png");
        Touch("outside/3.png");
        Touch("root/a/deep/4.png");
        Link("root/a/loop", "..");                // the folder above: a loop
        Link("root/b/top", "../..");              // above the walked folder
        Link("root/self", "self");                // a link to itself
        Link("root/x", "y");                      // two links to each other
        Link("root/y", "x");
        Link("root/broken.png", "nowhere.png");   // broken
        Link("root/0alias", "a");                 // an alias of a real folder, sorted before it
        Link("root/a/deep/again", "../../b");     // the same real folder by another path
        Link("root/ext", "../outside");           // a real folder elsewhere: followed
        Link("root/file.png", "b/2.png");         // a link to a file is a file

        var files = FolderWalker.Files(root);
        Assert.Equal(new[] { "a/1.png", "a/deep/4.png", "b/2.png", "ext/3.png", "file.png" }, Relative(files, root));
        Assert.All(files, f => Assert.StartsWith(root, f)); // paths as given, under the root
        Assert.Equal(files.Order(StringComparer.Ordinal), files);

        // ImageFolder walks each class folder alone: there b is not walked yet when a reaches it.
        var folder = ImageFolder.Open(new[] { root });
        Assert.Equal(new[] { "0alias", "a", "b", "ext" }, folder.Classes); // links to folders are classes; broken links and loops are not
        Assert.Equal(new[] { "0alias", "a", "b", "ext" }, FolderWalker.Subfolders(root));
        Assert.Equal(new[] { "0alias/1.png", "0alias/deep/4.png", "0alias/deep/again/2.png", "a/1.png", "a/deep/4.png", "a/deep/again/2.png", "b/2.png", "ext/3.png" },
            Relative(folder.Samples.Select(s => s.Path), root));
    }

    [Fact]
    public void ALinkedTreeIsFollowedAndADeepTreeStopsAtTheDepthLimit()
    {
        if (OperatingSystem.IsWindows()) return;
        Touch("data/n01/a.png");
        Touch("data/n02/b.png");
        string root = Path.Combine(_dir, "train");
        Directory.CreateDirectory(root);
        Link("train/n01", "../data/n01"); // an ImageNet tree made of links
        Link("train/n02", Path.Combine(_dir, "data", "n02"));
        Assert.Equal(new[] { "n01/a.png", "n02/b.png" }, Relative(FolderWalker.Files(root), root));

        Touch("deep/1/2/3/three.png");
        Touch("deep/1/2/3/4/four.png");
        Touch("deep/1/.hidden/h.png");
        Assert.Equal(new[] { "1/2/3/three.png" }, Relative(FolderWalker.Files(Path.Combine(_dir, "deep"), maxDepth: 3), Path.Combine(_dir, "deep")));
        Assert.Equal(2, FolderWalker.Files(Path.Combine(_dir, "deep")).Count); // hidden folders are skipped
        Assert.Equal(256, FolderWalker.MaxDepth);
    }

    [Fact]
    public void RealPathResolvesEveryLink()
    {
        if (OperatingSystem.IsWindows()) return;
        Touch("real/f.png");
        Link("alias", "real");
        Assert.Equal(Path.Combine(_dir, "real"), FolderWalker.RealPath(Path.Combine(_dir, "alias")));
        Assert.Equal(Path.Combine(_dir, "real", "f.png"), FolderWalker.RealPath(Path.Combine(_dir, "alias", "..", "alias", "f.png")));
        Link("loop", "loop");
        Assert.Null(FolderWalker.RealPath(Path.Combine(_dir, "loop")));
        Assert.Null(FolderWalker.RealPath(Path.Combine(_dir, "missing")));
    }
}
