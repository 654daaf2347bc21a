using System.Text;
using MonitorGrid.Web.Imports.Csv;

namespace MonitorGrid.Tests.Imports.Csv;

/// <summary>Files for the CSV tests, and the reader run over them to the end.</summary>
internal static class CsvStreams
{
    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    // Straight from the provider: the tests must not depend on the reader having registered it first.
    public static readonly Encoding Gb18030 = CodePagesEncodingProvider.Instance.GetEncoding(54936)!;

    public static byte[] Bom => [0xEF, 0xBB, 0xBF];

    public static async Task<(CsvRecordReader Reader, List<CsvRecord> Records)> ReadAllAsync(Stream stream, string? encoding = null)
    {
        var reader = await CsvRecordReader.OpenAsync(stream, encoding, CancellationToken.None);
        var records = new List<CsvRecord>();
        while (await reader.ReadAsync(CancellationToken.None) is { } record)
        {
            records.Add(record);
        }

        return (reader, records);
    }

    public static async Task<List<CsvRecord>> ReadAllAsync(string text)
    {
        using var stream = new MemoryStream(Utf8.GetBytes(text));
        var (reader, records) = await ReadAllAsync(stream);
        await reader.DisposeAsync();
        return records;
    }

    /// <summary>Exactly <paramref name="length"/> characters of ASCII lines, to put what follows at a chosen byte.</summary>
    public static string Filler(int length)
    {
        var line = new string('a', 98) + "\r\n";
        var first = length % line.Length;
        var head = first switch
        {
            0 => "",
            1 => "\n",
            _ => line[(line.Length - first)..],
        };
        return head + string.Concat(Enumerable.Repeat(line, length / line.Length));
    }

    /// <summary>Row numbers and fields, which is what most tests compare.</summary>
    public static (int Row, string[] Fields)[] Rows(IEnumerable<CsvRecord> records) => [.. records.Select(r => (r.Row, r.Fields))];
}

/// <summary>A read-only, forward-only stream, as an HTTP request body is: subclasses say what a read returns.</summary>
internal abstract class ForwardOnlyStream : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public abstract override int Read(Span<byte> buffer);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// A stream that hands out its bytes 1 to 7 at a time, as a slow network might, so that fields, line ends
/// and multi-byte characters end up split across the reader's reads.
/// </summary>
internal sealed class TricklingStream(byte[] bytes, int seed = 7) : ForwardOnlyStream
{
    private readonly Random _random = new(seed);
    private int _position;

    public override int Read(Span<byte> buffer)
    {
        var count = Math.Min(Math.Min(buffer.Length, _random.Next(1, 8)), bytes.Length - _position);
        bytes.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }
}

/// <summary>
/// A roster of <paramref name="rows"/> students made up line by line as it is read, so that the file never
/// exists whole in memory unless the reader keeps it.
/// </summary>
internal sealed class GeneratedRosterStream(int rows) : ForwardOnlyStream
{
    public const string Header = "学号,姓名,班级编号,备注\r\n";

    // About 300 bytes a line, ASCII after the header: kept as .NET strings the file would take twice its size.
    private static readonly string Remark = new('x', 250);

    private byte[] _line = CsvStreams.Utf8.GetBytes(Header);
    private int _linePosition;
    private int _nextRow = 2;

    /// <summary>Bytes handed out so far.</summary>
    public long Produced { get; private set; }

    /// <summary>The line of row <paramref name="row"/>, the header being row 1.</summary>
    public static string Line(int row) => $"s{row:D8},Student {row},c{row % 1000:D4},\"{Remark}, {row}\"\r\n";

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            if (_linePosition == _line.Length)
            {
                if (_nextRow > rows + 1)
                {
                    break;
                }

                _line = CsvStreams.Utf8.GetBytes(Line(_nextRow++));
                _linePosition = 0;
            }

            var count = Math.Min(buffer.Length - written, _line.Length - _linePosition);
            _line.AsSpan(_linePosition, count).CopyTo(buffer[written..]);
            _linePosition += count;
            written += count;
        }

        Produced += written;
        return written;
    }
}
