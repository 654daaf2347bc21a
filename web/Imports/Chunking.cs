using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace MonitorGrid.Web.Imports;

/// <summary>Groups a stream of rows into chunks without holding a slow upload's rows back.</summary>
public static class Chunking
{
    /// <summary>
    /// Chunks of up to <paramref name="size"/> items. A chunk also ends <paramref name="maxWait"/> after its
    /// first item, so rows that arrive slowly (a phone on a poor line, a paused upload) are applied while
    /// the rest is still on its way instead of waiting for a full chunk. A fault of the source comes out of
    /// the enumeration after the items before it.
    /// </summary>
    public static async IAsyncEnumerable<List<T>> ChunkAsync<T>(
        this IAsyncEnumerable<T> source, int size, TimeSpan maxWait, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var items = Channel.CreateBounded<T>(new BoundedChannelOptions(size * 2) { SingleReader = true, SingleWriter = true });
        var pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in source.WithCancellation(cancellationToken))
                {
                    await items.Writer.WriteAsync(item, cancellationToken);
                }

                items.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                items.Writer.TryComplete(ex);
            }
        }, CancellationToken.None);

        while (await items.Reader.WaitToReadAsync(cancellationToken))
        {
            var chunk = new List<T>(size);
            using var window = new CancellationTokenSource(maxWait);
            while (chunk.Count < size)
            {
                if (items.Reader.TryRead(out var item))
                {
                    chunk.Add(item);
                    continue;
                }

                try
                {
                    if (!await items.Reader.WaitToReadAsync(window.Token))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (window.IsCancellationRequested)
                {
                    break;
                }
            }

            yield return chunk;
        }

        await pump;
    }
}
