using System.Text;
using MonitorGrid.Web.Imports.Csv;
using static MonitorGrid.Tests.Imports.Csv.CsvStreams;

namespace MonitorGrid.Tests.Imports.Csv;

/// <summary>
/// The reader's encoding: UTF-8 when the file has a UTF-8 byte-order mark or its first 64 KB are valid
/// UTF-8, GB18030 otherwise, or whichever the caller names.
/// </summary>
public sealed class Csv_reader_detects_the_encoding_unless_told_which
{
    private const string Roster = "学号,姓名\r\n1,张三\r\n2,李四\r\n";

    /// <summary>A GB18030 file whose first 64 KB are ASCII, so that they look like UTF-8; row 4,502 is Chinese.</summary>
    private static byte[] AsciiThenChinese()
    {
        var text = new StringBuilder("studentId,name\r\n");
        for (var row = 2; row <= 4501; row++)
        {
            text.Append(row.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).Append(",Student\r\n");
        }

        var ascii = text.Length;
        text.Append("004502,张三\r\n004503,Zed\r\n");
        Assert.True(ascii > CsvRecordReader.SniffLength, "the ASCII part must fill the sniffed bytes");
        return Gb18030.GetBytes(text.ToString());
    }

    [Theory]
    [InlineData("utf-8 with a bom", "utf-8")]
    [InlineData("utf-8", "utf-8")]
    [InlineData("gb18030", "gb18030")]
    public async Task Each_supported_encoding_is_detected_and_gives_the_same_records_without_a_bom_in_the_first_field(string form, string encoding)
    {
        byte[] bytes = form switch
        {
            "utf-8 with a bom" => [.. Bom, .. Utf8.GetBytes(Roster)],
            "utf-8" => Utf8.GetBytes(Roster),
            _ => Gb18030.GetBytes(Roster),
        };

        var (reader, records) = await ReadAllAsync(new MemoryStream(bytes));

        Assert.Equal(encoding, reader.EncodingName);
        Assert.Equal([(1, ["学号", "姓名"]), (2, ["1", "张三"]), (3, ["2", "李四"])], Rows(records));
        Assert.DoesNotContain(records, r => r.InvalidText);
    }

    [Fact]
    public async Task A_character_cut_in_two_by_the_end_of_the_sniffed_bytes_still_counts_as_utf8()
    {
        // "学" is three bytes in UTF-8: put its first one or two as the last of the 64 KB sniffed.
        foreach (var cut in new[] { 1, 2 })
        {
            var bytes = Utf8.GetBytes($"name\r\n{Filler(CsvRecordReader.SniffLength - "name\r\n".Length - cut)}学\r\n");
            Assert.Equal(Utf8.GetBytes("学")[0], bytes[CsvRecordReader.SniffLength - cut]);

            var (reader, records) = await ReadAllAsync(new MemoryStream(bytes));

            Assert.Equal("utf-8", reader.EncodingName);
            Assert.Equal(["学"], records[^1].Fields);
            Assert.DoesNotContain(records, r => r.InvalidText);
        }
    }

    [Fact]
    public async Task A_gb18030_file_whose_first_64_kb_are_ascii_is_read_as_utf8_and_its_chinese_row_is_invalid_text()
    {
        var (reader, records) = await ReadAllAsync(new MemoryStream(AsciiThenChinese()));

        Assert.Equal("utf-8", reader.EncodingName);
        Assert.Equal(4503, records.Count);
        var chinese = records[4501];
        Assert.Equal(4502, chinese.Row);
        Assert.True(chinese.InvalidText);
        Assert.Contains('\uFFFD', chinese.Fields[1]);
        Assert.Equal("004502", chinese.Fields[0]);
        Assert.Equal([4502], records.Where(r => r.InvalidText).Select(r => r.Row));
        Assert.Equal([(4503, ["004503", "Zed"])], Rows(records.TakeLast(1)));
    }

    [Theory]
    [InlineData("gb18030")]
    [InlineData("GB18030")]
    [InlineData("gbk")]
    [InlineData(" GBK ")]
    public async Task Gb18030_named_by_the_caller_is_used_even_when_the_start_looks_like_utf8(string encoding)
    {
        var (reader, records) = await ReadAllAsync(new MemoryStream(AsciiThenChinese()), encoding);

        Assert.Equal("gb18030", reader.EncodingName);
        Assert.Equal(["004502", "张三"], records[4501].Fields);
        Assert.DoesNotContain(records, r => r.InvalidText);
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("UTF-8")]
    [InlineData("utf8")]
    public async Task Utf8_named_by_the_caller_is_used_and_gb18030_bytes_become_invalid_text(string encoding)
    {
        var (reader, records) = await ReadAllAsync(new MemoryStream(Gb18030.GetBytes(Roster)), encoding);

        Assert.Equal("utf-8", reader.EncodingName);
        Assert.All(records, r => Assert.True(r.InvalidText));
        Assert.Equal([1, 2, 3], records.Select(r => r.Row));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("auto")]
    [InlineData("Auto")]
    public async Task Null_or_auto_detects(string? encoding)
    {
        var (reader, records) = await ReadAllAsync(new MemoryStream(Gb18030.GetBytes(Roster)), encoding);

        Assert.Equal("gb18030", reader.EncodingName);
        Assert.Equal(["1", "张三"], records[1].Fields);
    }

    [Theory]
    [InlineData("latin1")]
    [InlineData("utf-16")]
    [InlineData("")]
    public async Task An_unknown_encoding_is_refused_before_anything_is_read(string encoding)
    {
        var stream = new MemoryStream(Utf8.GetBytes(Roster));

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => CsvRecordReader.OpenAsync(stream, encoding, CancellationToken.None));

        Assert.Equal("encoding", refused.ParamName);
        Assert.Contains($"'{encoding}'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("gb18030", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, stream.Position);
    }

    [Fact]
    public async Task Bytes_invalid_in_utf8_after_a_bom_mark_only_their_own_record()
    {
        byte[] bytes = [.. Bom, .. Utf8.GetBytes("学号,姓名\r\n1,"), 0xFF, 0xFE, .. Utf8.GetBytes("\r\n2,李四\r\n")];

        var (reader, records) = await ReadAllAsync(new MemoryStream(bytes));

        Assert.Equal("utf-8", reader.EncodingName);
        Assert.Equal([false, true, false], records.Select(r => r.InvalidText));
        Assert.Equal(["1", "\uFFFD\uFFFD"], records[1].Fields);
    }

    [Fact]
    public async Task A_gb18030_byte_order_mark_is_not_in_the_first_field_either()
    {
        byte[] bytes = [0x84, 0x31, 0x95, 0x33, .. Gb18030.GetBytes(Roster)];

        var (reader, records) = await ReadAllAsync(new MemoryStream(bytes));

        Assert.Equal("gb18030", reader.EncodingName);
        Assert.Equal(["学号", "姓名"], records[0].Fields);
    }
}
