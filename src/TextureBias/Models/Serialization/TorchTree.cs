namespace TextureBias.Models.Serialization;

/// <summary>
/// What <see cref="TorchFile"/> read: the unpickled object tree with tensors at the leaves, how
/// many elements the file's storages really hold, and the globals its pickle named.
/// </summary>
/// <param name="Root">The object tree.</param>
/// <param name="StoredElements">The elements of all storages read (the memory the tensors share).</param>
/// <param name="Globals">The <c>module.name</c> globals the pickle named.</param>
internal sealed record TorchTree(object? Root, long StoredElements, IReadOnlyList<string> Globals);
