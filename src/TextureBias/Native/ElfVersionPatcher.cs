// This one file is compiled twice: into the library, and (packed beside build/TextureBias.targets)
// by MSBuild's RoslynCodeTaskFactory into the build-time task at its end, so the build step that
// patches the copies of libLibTorchSharp.so in an output or publish folder and the library's
// start-up check share the ELF code. The task factory compiles against .NET Standard 2.0 with no
// project: this file must stand alone and use only that API (no Span, no RandomAccess).
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace TextureBias.Native
{
    /// <summary>
    /// Marks a symbol-version requirement of a 64-bit little-endian ELF shared library weak
    /// (<c>VER_FLG_WEAK</c> in the <c>vna_flags</c> of its entry in <c>.gnu.version_r</c>), so
    /// that the dynamic loader accepts the library on a system whose libraries lack that version.
    /// TorchSharp 0.107's <c>libLibTorchSharp.so</c> asks for <c>GLIBCXX_3.4.32</c>, which the
    /// libstdc++ of Debian 12 does not have, for one symbol that is never called.
    /// </summary>
    /// <remarks>
    /// A file is never written in place: the patched copy is written to a uniquely named file in
    /// the same folder and renamed over the original, keeping its permissions and its last write
    /// time. So a concurrent reader never sees a half-written library, a hard or symbolic link into
    /// a package cache is replaced rather than written through, and an incremental build's copy
    /// step (which skips a file of the same size and time) does not copy the original back.
    /// A file that needs nothing is not written at all.
    /// </remarks>
    public static class ElfVersionPatcher
    {
        /// <summary>The version TorchSharp 0.107's native library asks for and Debian 12 lacks.</summary>
        public const string GlibcxxVersion = "GLIBCXX_3.4.32";

        private const int VerFlagWeak = 0x2;
        private const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>How a library requires a symbol version.</summary>
        public enum Requirement
        {
            /// <summary>The library does not ask for the version (or is not a 64-bit little-endian ELF file).</summary>
            None,
            /// <summary>The library asks for the version and fails to load without it.</summary>
            Strong,
            /// <summary>Every request for the version is marked weak: the library loads without it.</summary>
            Weak,
        }

        /// <summary>How <paramref name="path"/> requires <paramref name="version"/>; reads only the headers it needs.</summary>
        /// <exception cref="InvalidDataException">The file is a truncated or malformed ELF file.</exception>
        public static Requirement Inspect(string path, string version = GlibcxxVersion)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var weak = true;
            var flags = FindFlags(file, version);
            if (flags.Count == 0) return Requirement.None;
            foreach (var (_, value) in flags) weak &= (value & VerFlagWeak) != 0;
            return weak ? Requirement.Weak : Requirement.Strong;
        }

        /// <summary>
        /// Marks every request of <paramref name="version"/> in <paramref name="path"/> weak and
        /// returns true, or returns false, writing nothing, when there is nothing to mark.
        /// </summary>
        /// <exception cref="InvalidDataException">The file is a truncated or malformed ELF file.</exception>
        /// <exception cref="IOException">The folder cannot be written.</exception>
        /// <exception cref="UnauthorizedAccessException">The folder cannot be written.</exception>
        public static bool MarkWeak(string path, string version = GlibcxxVersion)
        {
            if (Inspect(path, version) != Requirement.Strong) return false;
            path = Path.GetFullPath(path);
            DateTime lastWrite = File.GetLastWriteTimeUtc(path);
            string temporary = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                File.Copy(path, temporary); // keeps the file mode
                using (var file = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    foreach (var (offset, value) in FindFlags(file, version))
                    {
                        int weak = value | VerFlagWeak;
                        file.Position = offset;
                        file.Write(new[] { (byte)weak, (byte)(weak >> 8) }, 0, 2);
                    }
                    file.Flush(flushToDisk: true);
                }
                File.SetLastWriteTimeUtc(temporary, lastWrite);
                File.Replace(temporary, path, null); // rename(2) on Unix: atomic
            }
            catch
            {
                try { File.Delete(temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                throw;
            }
            return true;
        }

        /// <summary>The file offsets and values of the vna_flags of every request of <paramref name="version"/>.</summary>
        private static List<(long Offset, int Flags)> FindFlags(Stream file, string version)
        {
            var found = new List<(long, int)>();
            byte[] header = Read(file, 0, 64, exact: false);
            // ELF64 (class 2), little-endian (data 1): the only layout TorchSharp ships for Linux.
            if (header.Length < 64 || header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F'
                || header[4] != 2 || header[5] != 1)
                return found;
            byte[] wanted = Encoding.ASCII.GetBytes(version + "\0");
            try
            {
                long shoff = checked((long)U64(header, 0x28));
                int shentsize = U16(header, 0x3A), shnum = U16(header, 0x3C);
                if (shoff == 0 || shnum == 0) return found;
                byte[] sections = Read(file, shoff, checked(shnum * shentsize));
                for (int s = 0; s < shnum; s++)
                {
                    int section = s * shentsize;
                    if (U32(sections, section + 4) != ShtGnuVerneed) continue;
                    long offset = checked((long)U64(sections, section + 0x18));
                    int size = checked((int)U64(sections, section + 0x20));
                    int link = checked((int)U32(sections, section + 0x28));
                    long entries = U32(sections, section + 0x2C);
                    long strings = checked((long)U64(sections, checked(link * shentsize + 0x18)));
                    byte[] needs = Read(file, offset, size);
                    int need = 0;
                    for (long i = 0; i < entries; i++)
                    {
                        int count = U16(needs, need + 2);
                        int aux = checked(need + (int)U32(needs, need + 8));
                        for (int j = 0; j < count; j++)
                        {
                            byte[] name = Read(file, checked(strings + U32(needs, aux + 8)), wanted.Length, exact: false);
                            if (Equal(name, wanted)) found.Add((offset + aux + 4, U16(needs, aux + 4)));
                            uint nextAux = U32(needs, aux + 12);
                            if (nextAux == 0) break;
                            aux = checked(aux + (int)nextAux);
                        }
                        uint nextNeed = U32(needs, need + 12);
                        if (nextNeed == 0) break;
                        need = checked(need + (int)nextNeed);
                    }
                }
            }
            catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException or EndOfStreamException)
            {
                throw new InvalidDataException("malformed ELF file: its symbol version requirements could not be read", e);
            }
            return found;
        }

        private static byte[] Read(Stream file, long offset, int count, bool exact = true)
        {
            if (offset < 0 || offset > file.Length || count < 0) throw new EndOfStreamException();
            var buffer = new byte[(int)Math.Min(count, file.Length - offset)];
            if (exact && buffer.Length < count) throw new EndOfStreamException();
            file.Position = offset;
            int done = 0;
            while (done < buffer.Length)
            {
                int n = file.Read(buffer, done, buffer.Length - done);
                if (n == 0) throw new EndOfStreamException();
                done += n;
            }
            return buffer;
        }

        private static bool Equal(byte[] a, byte[] b)
        {
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++)
                if (a[i] != b[i]) return false;
            return true;
        }

        private static int U16(byte[] b, int at) => b[at] | b[at + 1] << 8;

        private static uint U32(byte[] b, int at) => (uint)(U16(b, at) | U16(b, at + 2) << 16);

        private static ulong U64(byte[] b, int at) => U32(b, at) | (ulong)U32(b, at + 4) << 32;
    }
}

#if !TEXTUREBIAS_LIBRARY
namespace TextureBias.Build
{
    /// <summary>The build-time task (MSBuild only): marks the version weak in each existing file of <see cref="Files"/>.</summary>
    public sealed class TextureBiasMarkVersionWeak : Microsoft.Build.Utilities.Task
    {
        /// <summary>The libraries to patch: copies in an output or publish folder, never a package cache.</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = new Microsoft.Build.Framework.ITaskItem[0];

        /// <summary>The version to mark weak.</summary>
        public string VersionName { get; set; } = TextureBias.Native.ElfVersionPatcher.GlibcxxVersion;

        /// <inheritdoc />
        public override bool Execute()
        {
            foreach (var item in Files)
            {
                string path = item.GetMetadata("FullPath");
                if (!File.Exists(path)) continue;
                try
                {
                    if (TextureBias.Native.ElfVersionPatcher.MarkWeak(path, VersionName))
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, "TextureBias: marked {0} weak in {1}", VersionName, path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    Log.LogError("TextureBias: could not mark {0} weak in {1}: {2}", VersionName, path, e.Message);
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
}
#endif
