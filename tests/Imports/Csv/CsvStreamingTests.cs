using System.Text;
using MonitorGrid.Web.Imports.Csv;
using static MonitorGrid.Tests.Imports.Csv.CsvStreams;

namespace MonitorGrid.Tests.Imports.Csv;

/// <summary>The records do not depend on how the bytes arrive, and progress counts the bytes taken.</summary>
public sealed class Csv_reader_reads_the_same_records_however_the_bytes_arrive
{
    /// <summary>Every construct the reader knows, with Chinese (multi-byte in both encodings) beside each.</summary>
    private const string Tricky =
        "学号,姓名,备注\r\n" +
        "1,张三,\"逗号,引号\"\"在里面\"\"\"\r\n" +
        "\r\n" +
        "2,李四,\"跨行\r\n第二行\nthird\rfourth\"\n" +
        "3,王五,\"\"\r" +
        "   \n" +
        "4,\"赵六\"多余,末尾\r\n" +
        "5,钱七,\"没有闭合,的引号\r\n" +
        "6,孙八,最后一行";

    private static readonly (int Row, string[] Fields, string? Problem)[] TrickyRecords =
    [
        (1, ["学号", "姓名", "备注"], null),
        (2, ["1", "张三", "逗号,引号\"在里面\""], null),
        (4, ["2", "李四", "跨行\r\n第二行\nthird\rfourth"], null),
        (5, ["3", "王五", ""], null),
        (7, ["4", "赵六多余", "末尾"], "引号闭合后还有多余字符"),
        (8, ["5", "钱七", "\"没有闭合", "的引号"], "引号未闭合"),
        (9, ["6", "孙八", "最后一行"], null),
    ];

    public static TheoryData<string, int> EncodingsAndSeeds => new()
    {
        { "utf-8", 1 }, { "utf-8", 2 }, { "utf-8", 3 }, { "gb18030", 1 }, { "gb18030", 2 }, { "gb18030", 3 },
    };

    private static Encoding Named(string encoding) => encoding == "utf-8" ? Utf8 : Gb18030;

    [Theory]
    [MemberData(nameof(EncodingsAndSeeds))]
    public async Task A_file_trickling_in_a_few_bytes_at_a_time_reads_as_it_does_whole(string encoding, int seed)
    {
        var bytes = Named(encoding).GetBytes(Tricky);

        var (wholeReader, whole) = await ReadAllAsync(new MemoryStream(bytes));
        // Named, so that no detection gathers the small file into one buffer first: every read is decoded as it comes.
        var (trickleReader, trickled) = await ReadAllAsync(new TricklingStream(bytes, seed), encoding);

        Assert.Equal((encoding, encoding), (wholeReader.EncodingName, trickleReader.EncodingName));
        Assert.Equal(TrickyRecords, whole.Select(r => (r.Row, r.Fields, r.Problem)));
        Assert.Equal(TrickyRecords, trickled.Select(r => (r.Row, r.Fields, r.Problem)));
        Assert.DoesNotContain(trickled, r => r.InvalidText);
    }

    [Fact]
    public async Task A_quoted_field_larger_than_the_readers_buffers_is_read_whole()
    {
        // Starts about 100 bytes before the end of the first 64 KB read and runs past the next: the field spans three reads.
        var filler = Filler(CsvRecordReader.SniffLength - 100);
        var field = string.Concat(Enumerable.Range(0, 1600).Select(i => $"第{i:D4}行，中文中文\"引号\",逗号\r\n"));
        var written = field.Replace("\"", "\"\"", StringComparison.Ordinal);
        Assert.InRange(field.Length, 30_000, CsvRecordReader.MaxFieldLength);
        Assert.True(Utf8.GetByteCount(written) > CsvRecordReader.SniffLength + 100);

        var (_, records) = await ReadAllAsync(new MemoryStream(Utf8.GetBytes($"{filler}x,\"{written}\",after\r\nnext\r\n")));

        var (last, next) = (records[^2], records[^1]);
        Assert.Equal(3, last.Fields.Length);
        Assert.Equal(("x", field, "after"), (last.Fields[0], last.Fields[1], last.Fields[2]));
        Assert.Null(last.Problem);
        Assert.Equal(last.Row + 1, next.Row);
        Assert.Equal(["next"], next.Fields);
    }

    [Fact]
    public async Task Bytes_read_rises_with_each_record_and_reaches_the_file_length()
    {
        var bytes = Utf8.GetBytes(string.Concat(Enumerable.Range(1, 20_000).Select(row => $"{row},学生{row}\r\n")));
        Assert.True(bytes.Length > 3 * CsvRecordReader.SniffLength);
        await using var reader = await CsvRecordReader.OpenAsync(new TricklingStream(bytes), null, CancellationToken.None);

        // Detection stopped as soon as Chinese text with a little after it had come: a slow upload's first
        // rows are not held back for 64 KB.
        Assert.InRange(reader.BytesRead, 64, 64 + 20);
        var seen = new List<long>();
        var rows = new List<int>();
        while (await reader.ReadAsync(CancellationToken.None) is { } record)
        {
            seen.Add(reader.BytesRead);
            Assert.Equal([$"{record.Row}", $"学生{record.Row}"], record.Fields);
            rows.Add(record.Row);
        }

        Assert.Equal(Enumerable.Range(1, 20_000), rows);
        Assert.Equal(seen.Order(), seen);
        Assert.True(seen.Distinct().Count() > 1000, "progress moves with the reads, not only at the end");
        Assert.Equal(bytes.Length, reader.BytesRead);
    }

    [Fact]
    public async Task A_reader_given_its_encoding_takes_no_bytes_before_the_first_record_is_asked_for()
    {
        var bytes = Utf8.GetBytes("a,b\r\n");
        await using var reader = await CsvRecordReader.OpenAsync(new MemoryStream(bytes), "utf-8", CancellationToken.None);

        Assert.Equal(0, reader.BytesRead);
        Assert.Equal(["a", "b"], (await reader.ReadAsync(CancellationToken.None))!.Fields);
        Assert.Equal(bytes.Length, reader.BytesRead);
    }
}
