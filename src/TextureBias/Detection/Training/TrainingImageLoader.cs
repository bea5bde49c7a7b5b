namespace TextureBias.Detection.Training;

/// <summary>
/// Prepares the images of the coming batches on background threads (at most <c>workers</c> at once, at most
/// <c>ahead</c> batches beyond the one being trained), and hands the batches out in order.
/// </summary>
internal static class TrainingImageLoader
{
    /// <summary>Yields the prepared images of each batch of <paramref name="batches"/> (sample, flip), in order.</summary>
    public static IEnumerable<TrainingImage[]> Batches(IReadOnlyList<(DetectionSample Sample, bool Flip)[]> batches, int workers, int ahead = 2)
    {
        using var gate = new SemaphoreSlim(Math.Max(1, workers));
        var queue = new Queue<Task<TrainingImage>[]>();
        int next = 0;
        void Fill()
        {
            while (queue.Count <= ahead && next < batches.Count)
                queue.Enqueue(batches[next++].Select(item => Task.Run(async () =>
                {
                    await gate.WaitAsync().ConfigureAwait(false);
                    try
                    {
                        return TrainingImage.Prepare(item.Sample, item.Flip);
                    }
                    finally
                    {
                        gate.Release();
                    }
                })).ToArray());
        }
        try
        {
            Fill();
            while (queue.Count > 0)
            {
                var tasks = queue.Dequeue();
                var images = tasks.Select(t => t.GetAwaiter().GetResult()).ToArray();
                Fill();
                yield return images;
            }
        }
        finally
        {
            // Tasks still running finish on their own (they only decode); wait so the gate is not disposed under them.
            foreach (var tasks in queue)
                foreach (var t in tasks)
                    try { t.Wait(); } catch (AggregateException) { }
        }
    }
}
