using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace TextureBias.Native;

/// <summary>
/// Gives oneDNN the cache sizes that a virtual machine's CPUID hides, so that its fast kernels
/// (AVX-512 brgemm convolutions) run there instead of crashing.
/// </summary>
/// <remarks>
/// oneDNN 3 learns the caches from Xbyak's <c>Cpu</c> object (<c>dnnl::impl::cpu::x64::cpu()</c>).
/// On AMD it reads CPUID leaf 0x8000001D; where a hypervisor zeroes that leaf, every data cache
/// comes out 1 byte large ((0+1)·(0+1)·(0+1)·(0+1)), and the brgemm 1×1 convolution divides by
/// zero while choosing its blocking. The sizes the same CPU reports through AMD's older leaves
/// (0x80000005: L1 data; 0x80000006: L2 and L3, what Linux shows as "cache size") are written
/// into that object after LibTorch loads and before any convolution, once its layout is
/// confirmed (three cache levels of 1 byte, and the CPU family, model and stepping that CPUID
/// gives at their offsets). The function's address comes from libtorch_cpu.so's symbol table.
/// Anything unexpected and nothing is written (the caller then caps oneDNN at AVX instead).
/// </remarks>
internal static class OneDnnCacheDescription
{
    private const string CpuFunction = "_ZN4dnnl4impl3cpu3x643cpuEv"; // dnnl::impl::cpu::x64::cpu()

    // Xbyak::util::Cpu's fields (xbyak 7, oneDNN 3.x): Type type_ {L, H}; bool x2APIC_supported_;
    // uint32_t numCores_[2]; uint32_t dataCacheSize_[10]; uint32_t coresSharignDataCache_[10];
    // uint32_t dataCacheLevels_; uint32_t avx10version_; int model, family, stepping, ...
    private const int DataCacheSizeOffset = 28;
    private const int CoresSharingOffset = 68;
    private const int DataCacheLevelsOffset = 108;
    private const int ModelOffset = 116;
    private const int FamilyOffset = 120;
    private const int SteppingOffset = 124;

    /// <summary>The sizes written (bytes: L1 data, L2, L3), or null.</summary>
    public static (uint L1, uint L2, uint L3)? Written { get; private set; }

    /// <summary>
    /// Loads <paramref name="libtorchCpu"/> and describes the caches to its oneDNN. Null when done,
    /// else why not (nothing was changed then).
    /// </summary>
    public static unsafe string? TryApply(string libtorchCpu)
    {
        if (!X86Base.IsSupported) return "not an x86 machine";
        var sizes = LegacyAmdCacheSizes();
        if (sizes is null) return "CPUID's leaves 0x80000005/6 report no cache sizes either";
        long? offset = FunctionOffset(libtorchCpu, CpuFunction);
        if (offset is null) return $"{CpuFunction} not found in {libtorchCpu}'s symbol table";
        if (!NativeLibrary.TryLoad(libtorchCpu, out _)) return $"{libtorchCpu} does not load";
        long? bias = LoadBias(libtorchCpu);
        if (bias is null) return $"{libtorchCpu} is not in /proc/self/maps";
        var cpu = (delegate* unmanaged<byte*>)(bias.Value + offset.Value);
        byte* o = cpu();
        if (o == null) return "oneDNN's CPU description is null";
        uint Field(int at) => *(uint*)(o + at);
        if (Field(DataCacheLevelsOffset) != 3) return $"oneDNN describes {Field(DataCacheLevelsOffset)} cache levels, not the 3 expected";
        for (int i = 0; i < 3; i++)
            if (Field(DataCacheSizeOffset + 4 * i) != 1) return "oneDNN's cache sizes are not the hidden ones (1 byte)";
        for (int i = 0; i < 3; i++)
            if (Field(CoresSharingOffset + 4 * i) is 0 or > 4096) return "oneDNN's cores sharing each cache are out of range";
        uint eax = (uint)X86Base.CpuId(1, 0).Eax;
        if (Field(ModelOffset) != ((eax >> 4) & 0xf) || Field(FamilyOffset) != ((eax >> 8) & 0xf) || Field(SteppingOffset) != (eax & 0xf))
            return "oneDNN's CPU description has an unexpected layout";
        var (l1, l2, l3) = sizes.Value;
        // Per-core sizes are size / cores sharing: the sizes are written as per-core ones.
        *(uint*)(o + DataCacheSizeOffset) = l1 * Field(CoresSharingOffset);
        *(uint*)(o + DataCacheSizeOffset + 4) = l2 * Field(CoresSharingOffset + 4);
        *(uint*)(o + DataCacheSizeOffset + 8) = l3 * Field(CoresSharingOffset + 8);
        Written = sizes;
        return null;
    }

    /// <summary>L1 data, L2 and L3 sizes in bytes from AMD's leaves 0x80000005/6, or null when they are empty.</summary>
    internal static (uint L1, uint L2, uint L3)? LegacyAmdCacheSizes()
    {
        if (!X86Base.IsSupported) return null;
        uint maxExtended = (uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax;
        if (maxExtended < 0x80000006) return null;
        uint l1 = ((uint)X86Base.CpuId(unchecked((int)0x80000005), 0).Ecx >> 24) * 1024;
        var l23 = X86Base.CpuId(unchecked((int)0x80000006), 0);
        uint l2 = ((uint)l23.Ecx >> 16) * 1024;
        uint l3 = ((uint)l23.Edx >> 18) * 512 * 1024;
        if (l1 == 0 || l2 == 0) return null;
        // A per-core share of L3 (oneDNN divides by the cores sharing it, 1 here): at most 4 MiB.
        return (l1, l2, l3 == 0 ? l2 : Math.Min(l3, 4u << 20));
    }

    /// <summary>The address of <paramref name="name"/> (a function) relative to the library's load address, from its ELF symbol table.</summary>
    internal static unsafe long? FunctionOffset(string path, string name)
    {
        using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* b = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref b);
        try
        {
            long length = (long)view.SafeMemoryMappedViewHandle.ByteLength;
            if (length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F' || b[4] != 2) return null;
            long shoff = *(long*)(b + 0x28);
            int shentsize = *(ushort*)(b + 0x3A), shnum = *(ushort*)(b + 0x3C);
            if (shoff <= 0 || shentsize < 64 || shoff + (long)shnum * shentsize > length) return null;
            for (int s = 0; s < shnum; s++)
            {
                byte* sh = b + shoff + (long)s * shentsize;
                if (*(uint*)(sh + 4) != 2) continue; // SHT_SYMTAB
                long symOff = *(long*)(sh + 0x18), symSize = *(long*)(sh + 0x20);
                int link = (int)*(uint*)(sh + 0x28);
                if (link >= shnum || symOff + symSize > length) return null;
                byte* strSh = b + shoff + (long)link * shentsize;
                long strOff = *(long*)(strSh + 0x18), strSize = *(long*)(strSh + 0x20);
                if (strOff + strSize > length || strSize > int.MaxValue) return null;
                var strings = new ReadOnlySpan<byte>(b + strOff, (int)strSize);
                // Every place the name starts (string tables share suffixes, so a symbol's name may begin mid-string).
                var pattern = Encoding.ASCII.GetBytes(name + "\0");
                var starts = new HashSet<uint>();
                for (int from = 0; ;)
                {
                    int at = strings[from..].IndexOf(pattern);
                    if (at < 0) break;
                    starts.Add((uint)(from + at));
                    from += at + 1;
                }
                if (starts.Count == 0) return null;
                for (long e = 0; e + 24 <= symSize; e += 24)
                {
                    byte* sym = b + symOff + e;
                    if ((sym[4] & 0xf) == 2 && starts.Contains(*(uint*)sym)) return *(long*)(sym + 8); // STT_FUNC: st_value
                }
                return null;
            }
            return null;
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    /// <summary>Where the library's first byte (file offset 0, address 0 in the file) is mapped in this process.</summary>
    private static long? LoadBias(string path)
    {
        string full = Path.GetFullPath(path);
        string real = new FileInfo(full).ResolveLinkTarget(true)?.FullName ?? full;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            // start-end perms offset dev inode path
            var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 6 || parts[2].Trim('0').Length != 0) continue; // mapped from file offset 0
            string mapped = parts[5].Trim();
            if (mapped != real && mapped != full) continue;
            return Convert.ToInt64(parts[0][..parts[0].IndexOf('-')], 16);
        }
        return null;
    }
}
