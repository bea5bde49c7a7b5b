namespace TextureBias.Data;

/// <summary>
/// Bounds the bytes of images that wait between threads (decoded but not yet taken, or made
/// but not yet written): <see cref="Acquire"/> blocks while the bytes held and the new ones
/// would exceed the budget, except when nothing is held, so one image of any size always goes
/// through. <see cref="AcquireInOrder"/> also admits the items in order of their position, so
/// a consumer that takes them in that order is never left waiting for an item that cannot be
/// admitted.
/// </summary>
internal sealed class MemoryBudget
{
    private readonly object _lock = new();
    private long _held;
    private long _next;

    /// <summary>A budget of <paramref name="bytes"/>.</summary>
    public MemoryBudget(long bytes)
    {
        if (bytes < 1) throw new ArgumentOutOfRangeException(nameof(bytes), "the budget must be at least one byte");
        Bytes = bytes;
    }

    /// <summary>The budget.</summary>
    public long Bytes { get; }

    /// <summary>The most bytes held at once so far.</summary>
    public long Peak { get { lock (_lock) return _peak; } }

    private long _peak;

    /// <summary>Waits until <paramref name="bytes"/> fit (or nothing is held) and holds them.</summary>
    public void Acquire(long bytes, CancellationToken cancel = default)
    {
        using var wake = cancel.Register(Wake);
        lock (_lock)
        {
            while (!Fits(bytes))
            {
                cancel.ThrowIfCancellationRequested();
                Monitor.Wait(_lock);
            }
            Hold(bytes);
        }
    }

    /// <summary>
    /// Waits until every position before <paramref name="position"/> (counted from 0) has been
    /// admitted and <paramref name="bytes"/> fit (or nothing is held), and holds them.
    /// </summary>
    public void AcquireInOrder(long position, long bytes, CancellationToken cancel = default)
    {
        using var wake = cancel.Register(Wake);
        lock (_lock)
        {
            while (_next != position || !Fits(bytes))
            {
                cancel.ThrowIfCancellationRequested();
                Monitor.Wait(_lock);
            }
            _next++;
            Hold(bytes);
            Monitor.PulseAll(_lock); // the next position may fit too
        }
    }

    /// <summary>Gives back bytes held.</summary>
    public void Release(long bytes)
    {
        lock (_lock)
        {
            _held -= bytes;
            Monitor.PulseAll(_lock);
        }
    }

    private bool Fits(long bytes) => _held == 0 || _held + bytes <= Bytes;

    private void Hold(long bytes)
    {
        _held += bytes;
        _peak = Math.Max(_peak, _held);
    }

    private void Wake()
    {
        lock (_lock) Monitor.PulseAll(_lock);
    }
}
