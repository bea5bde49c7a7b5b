using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Native;

/// <summary>
/// Two of LibTorch's oneDNN operations that TorchSharp does not expose, reached through C
/// functions that LibTorch exports for AOTInductor: packing a convolution's weight once into the
/// blocked layout oneDNN's kernels read (<c>aten::to_mkldnn</c> and
/// <c>aten::mkldnn_reorder_conv2d_weight</c>, called through <c>aoti_torch_call_dispatcher</c>),
/// and running a convolution on such a packed weight (<c>aoti_torch_cpu_mkldnn__convolution_pointwise</c>,
/// the operation Inductor's frozen CPU graphs use). Their tensor handles are <c>at::Tensor*</c>,
/// as TorchSharp's are. <see cref="Available"/> is false when this LibTorch lacks them (another
/// build, another platform); callers then use the ordinary convolution.
/// </summary>
internal static unsafe class MkldnnShims
{
    private static readonly delegate* unmanaged<byte*, byte*, ulong*, int> CallDispatcher;
    private static readonly delegate* unmanaged<nuint, nint*, int> NewList;
    private static readonly delegate* unmanaged<nint, ulong, int> ListPushBack;
    private static readonly delegate* unmanaged<nint, nint*, int> NewTensorHandle;
    private static readonly delegate* unmanaged<nint, nint, nint*, long*, long, long*, long, long*, long, long, byte*, double**, long, byte**, nint*, int> ConvolutionPointwise;

    private static readonly byte[] ToMkldnnName = Encoding.ASCII.GetBytes("aten::to_mkldnn\0");
    private static readonly byte[] ReorderName = Encoding.ASCII.GetBytes("aten::mkldnn_reorder_conv2d_weight\0");
    private static readonly byte[] NoOverload = { 0 };
    private static readonly byte[] NoPostOp = Encoding.ASCII.GetBytes("none\0");
    private static readonly byte[] ReluPostOp = Encoding.ASCII.GetBytes("relu\0");

    /// <summary>Whether this LibTorch exports every function used here.</summary>
    public static bool Available { get; }

    static MkldnnShims()
    {
        try
        {
            if (!LibTorchCpu.TryGet(out var lib, out _)) return;
            if (!NativeLibrary.TryGetExport(lib, "aoti_torch_call_dispatcher", out var dispatcher)
                || !NativeLibrary.TryGetExport(lib, "torch_new_list_reserve_size", out var newList)
                || !NativeLibrary.TryGetExport(lib, "torch_list_push_back", out var pushBack)
                || !NativeLibrary.TryGetExport(lib, "aoti_torch_new_tensor_handle", out var newHandle)
                || !NativeLibrary.TryGetExport(lib, "aoti_torch_cpu_mkldnn__convolution_pointwise", out var pointwise))
                return;
            CallDispatcher = (delegate* unmanaged<byte*, byte*, ulong*, int>)dispatcher;
            NewList = (delegate* unmanaged<nuint, nint*, int>)newList;
            ListPushBack = (delegate* unmanaged<nint, ulong, int>)pushBack;
            NewTensorHandle = (delegate* unmanaged<nint, nint*, int>)newHandle;
            ConvolutionPointwise = (delegate* unmanaged<nint, nint, nint*, long*, long, long*, long, long*, long, long, byte*, double**, long, byte**, nint*, int>)pointwise;
            Available = true;
        }
        catch (Exception e) when (e is BadImageFormatException or DllNotFoundException or ArgumentException or EntryPointNotFoundException)
        {
            // Not loadable here: callers use the ordinary convolution.
        }
    }

    /// <summary>
    /// <paramref name="weight"/> [O,I,kh,kw] (float32, CPU) packed into the layout oneDNN's
    /// convolution kernel chooses for inputs of <paramref name="inputSize"/> [N,C,H,W] in
    /// channels-last memory: an MKLDNN tensor, read by <see cref="Convolution"/> without a reorder.
    /// Null when LibTorch refuses (the reason is on stderr, from LibTorch).
    /// </summary>
    public static Tensor? PackWeight(Tensor weight, long[] padding, long[] stride, long[] dilation, long groups, long[] inputSize)
    {
        if (!Available) return null;
        nint handle;
        if (NewTensorHandle(weight.Handle, &handle) != 0) return null;
        // aten::to_mkldnn(Tensor self, ScalarType? dtype=None): the stack's tensor handle is
        // consumed, and the result's handle returned in its first slot; 0 is None.
        var stack = stackalloc ulong[6];
        stack[0] = (ulong)handle;
        stack[1] = 0;
        if (!Call(ToMkldnnName, stack)) return null;
        var mkldnn = (nint)stack[0];
        // aten::mkldnn_reorder_conv2d_weight(Tensor self, SymInt[2] padding, SymInt[2] stride,
        // SymInt[2] dilation, SymInt groups, SymInt[]? input_size): lists are consumed; an optional
        // is a pointer to its value, freed by LibTorch's operator delete (malloc's free).
        var size = (ulong*)NativeMemory.Alloc(sizeof(ulong));
        *size = List(inputSize);
        stack[0] = (ulong)mkldnn;
        stack[1] = List(padding);
        stack[2] = List(stride);
        stack[3] = List(dilation);
        stack[4] = (ulong)groups;
        stack[5] = (ulong)size;
        return Call(ReorderName, stack) ? Tensor.UnsafeCreateTensor((nint)stack[0]) : null;
    }

    /// <summary>
    /// The convolution of channels-last <paramref name="x"/> with a weight from
    /// <see cref="PackWeight"/> plus <paramref name="bias"/>: the output channels-last, as
    /// <c>conv2d</c>'s, from oneDNN's kernel for that layout; with <paramref name="relu"/> the ReLU applied
    /// by the kernel as it writes (oneDNN's eltwise post-op: the same values, no pass of its own).
    /// Null when LibTorch refuses.
    /// </summary>
    public static Tensor? Convolution(Tensor x, Tensor packedWeight, Tensor bias, long[] padding, long[] stride, long[] dilation, long groups, bool relu = false)
    {
        nint b = bias.Handle, result;
        int rc;
        fixed (long* p = padding) fixed (long* s = stride) fixed (long* d = dilation) fixed (byte* attr = relu ? ReluPostOp : NoPostOp)
            rc = ConvolutionPointwise(x.Handle, packedWeight.Handle, &b, p, padding.Length, s, stride.Length, d, dilation.Length, groups, attr, null, 0, null, &result);
        GC.KeepAlive(x);
        GC.KeepAlive(packedWeight);
        GC.KeepAlive(bias);
        return rc == 0 ? Tensor.UnsafeCreateTensor(result) : null;
    }

    private static bool Call(byte[] name, ulong* stack)
    {
        fixed (byte* op = name) fixed (byte* overload = NoOverload)
            return CallDispatcher(op, overload, stack) == 0;
    }

    private static ulong List(long[] values)
    {
        nint list;
        if (NewList((nuint)values.Length, &list) != 0) throw new InvalidOperationException("LibTorch could not make a list");
        foreach (var v in values)
            if (ListPushBack(list, (ulong)v) != 0) throw new InvalidOperationException("LibTorch could not extend a list");
        return (ulong)list;
    }
}
