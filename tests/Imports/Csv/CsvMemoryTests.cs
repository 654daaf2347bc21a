using MonitorGrid.Web.Imports.Csv;

namespace MonitorGrid.Tests.Imports.Csv;

/// <summary>Tests that measure the process's live heap, so nothing else may run beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasuringCollection
{
    public const string Name = "heap measuring";
}

/// <summary>A file far larger than the bound streams through with the live heap staying under it.</summary>
[Collection(HeapMeasuringCollection.Name)]
public sealed class Csv_reader_streams_a_large_file_in_bounded_memory
{
    private const int Rows = 300_000;
    private const long Bound = 50L * 1024 * 1024;

    [Fact]
    public async Task Three_hundred_thousand_rows_stream_through_while_the_live_heap_stays_under_50_mb_more()
    {
        var stream = new GeneratedRosterStream(Rows);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var grown = 0L;
        var rows = 0;

        await using var reader = await CsvRecordReader.OpenAsync(stream, null, CancellationToken.None);
        while (await reader.ReadAsync(CancellationToken.None) is { } record)
        {
            rows++;
            Assert.Equal(rows, record.Row);
            if (rows > 1)
            {
                Assert.Equal($"s{rows:D8}", record.Fields[0]);
            }

            // Sampled along the way too: a reader that kept the file only until its end would pass a measure taken after it.
            if (rows % 50_000 == 0)
            {
                grown = Math.Max(grown, GC.GetTotalMemory(forceFullCollection: true) - before);
            }
        }

        grown = Math.Max(grown, GC.GetTotalMemory(forceFullCollection: true) - before);
        GC.KeepAlive(reader);

        Assert.Equal(Rows + 1, rows);
        Assert.Equal(stream.Produced, reader.BytesRead);
        // The bound only means something if keeping the file would break it, even as bytes (as strings it is twice that).
        Assert.True(stream.Produced > Bound * 3 / 2, $"the file is only {stream.Produced} bytes");
        Assert.True(grown < Bound, $"the live heap grew by {grown} bytes reading a {stream.Produced}-byte file");
    }
}
