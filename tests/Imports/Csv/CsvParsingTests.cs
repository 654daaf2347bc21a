using MonitorGrid.Web.Imports.Csv;
using static MonitorGrid.Tests.Imports.Csv.CsvStreams;

namespace MonitorGrid.Tests.Imports.Csv;

/// <summary>RFC 4180 as spreadsheets write it, the rows as a spreadsheet numbers them, and malformed records read on from.</summary>
public sealed class Csv_reader_reads_rfc4180_records_on_the_rows_a_spreadsheet_shows
{
    [Fact]
    public async Task Quoted_fields_keep_commas_line_breaks_and_doubled_quotes()
    {
        var records = await ReadAllAsync("a,\"b,c\",\"say \"\"hi\"\"\",\"line 1\r\nline 2\nline 3\",\"\"\r\nnext,row\r\n");

        Assert.Equal([(1, ["a", "b,c", "say \"hi\"", "line 1\r\nline 2\nline 3", ""]), (2, ["next", "row"])], Rows(records));
        Assert.All(records, r => Assert.Null(r.Problem));
    }

    [Fact]
    public async Task Crlf_lf_and_a_lone_cr_all_end_a_line()
    {
        var records = await ReadAllAsync("a,1\r\nb,2\nc,3\rd,4\r\n\re,5");

        Assert.Equal([(1, ["a", "1"]), (2, ["b", "2"]), (3, ["c", "3"]), (4, ["d", "4"]), (6, ["e", "5"])], Rows(records));
    }

    [Fact]
    public async Task Blank_and_whitespace_only_lines_are_skipped_but_keep_their_row_numbers()
    {
        var records = await ReadAllAsync("学号,姓名\r\n\r\n1,张三\r\n   \r\n\t\n\u3000\r\n2,李四\n\n");

        Assert.Equal([(1, ["学号", "姓名"]), (3, ["1", "张三"]), (7, ["2", "李四"])], Rows(records));
    }

    [Fact]
    public async Task A_record_with_line_breaks_inside_quotes_is_one_row_and_the_next_record_is_the_next_row()
    {
        var records = await ReadAllAsync("h1,h2\n1,\"first\nsecond\n\nfourth\"\n2,x\n");

        Assert.Equal([(1, ["h1", "h2"]), (2, ["1", "first\nsecond\n\nfourth"]), (3, ["2", "x"])], Rows(records));
    }

    [Fact]
    public async Task Fields_are_returned_as_written_without_trimming()
    {
        var records = await ReadAllAsync(" a , b ,\t c\t\r\n");

        Assert.Equal([" a ", " b ", "\t c\t"], records.Single().Fields);
    }

    [Fact]
    public async Task Empty_fields_and_a_trailing_comma_give_empty_strings()
    {
        var records = await ReadAllAsync(",,\r\na,\r\n,b\r\n");

        Assert.Equal([(1, ["", "", ""]), (2, ["a", ""]), (3, ["", "b"])], Rows(records));
    }

    [Theory]
    [InlineData("h\r\na,b")]
    [InlineData("h\r\na,b\n")]
    [InlineData("h\r\na,b\r\n")]
    [InlineData("h\r\na,b\r")]
    [InlineData("h\r\n\"a\",\"b\"")]
    public async Task The_last_record_is_the_same_with_or_without_a_final_line_break(string text)
    {
        var records = await ReadAllAsync(text);

        Assert.Equal([(1, ["h"]), (2, ["a", "b"])], Rows(records));
    }

    [Fact]
    public async Task An_empty_file_has_no_records_and_reading_past_the_end_stays_at_the_end()
    {
        await using var reader = await CsvRecordReader.OpenAsync(new MemoryStream(), null, CancellationToken.None);
        Assert.Null(await reader.ReadAsync(CancellationToken.None));
        Assert.Null(await reader.ReadAsync(CancellationToken.None));

        await using var oneRow = await CsvRecordReader.OpenAsync(new MemoryStream(Utf8.GetBytes("a")), null, CancellationToken.None);
        Assert.Equal(["a"], (await oneRow.ReadAsync(CancellationToken.None))!.Fields);
        Assert.Null(await oneRow.ReadAsync(CancellationToken.None));
        Assert.Null(await oneRow.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_quoted_empty_field_alone_on_its_line_is_a_record_not_a_blank_line()
    {
        var records = await ReadAllAsync("h\r\n\"\"\r\nx\r\n");

        Assert.Equal([(1, ["h"]), (2, [""]), (3, ["x"])], Rows(records));
    }

    [Fact]
    public async Task A_quote_inside_an_unquoted_field_is_an_ordinary_character()
    {
        var records = await ReadAllAsync("5'10\",a\"b\"c\r\n");

        Assert.Equal(["5'10\"", "a\"b\"c"], records.Single().Fields);
        Assert.Null(records.Single().Problem);
    }

    [Fact]
    public async Task A_quote_never_closed_is_reported_and_the_lines_after_it_are_records_again()
    {
        var records = await ReadAllAsync("学号,备注\r\n1,\"unclosed, with a comma\r\n2,ok\r\n3,fine\r\n");

        Assert.Equal([(1, ["学号", "备注"]), (2, ["1", "\"unclosed", " with a comma"]), (3, ["2", "ok"]), (4, ["3", "fine"])], Rows(records));
        Assert.Equal([null, "引号未闭合", null, null], records.Select(r => r.Problem));
    }

    [Fact]
    public async Task Doubled_quotes_in_a_field_never_closed_are_read_back_as_written()
    {
        var records = await ReadAllAsync("h\r\n\"\"\"quoted\"\" and unclosed\r\nnext");

        Assert.Equal([(1, ["h"]), (2, ["\"\"\"quoted\"\" and unclosed"]), (3, ["next"])], Rows(records));
        Assert.Equal([null, "引号未闭合", null], records.Select(r => r.Problem));
    }

    [Fact]
    public async Task A_quote_still_open_after_a_cells_worth_of_text_is_given_up_and_the_rows_after_it_are_read()
    {
        // Far more than a cell can hold follows the stray quote: reading must not gather the rest of the file into it.
        var lines = string.Concat(Enumerable.Range(3, 20_000).Select(row => $"{row},ok\r\n"));
        Assert.True(lines.Length > 4 * CsvRecordReader.MaxFieldLength);

        var records = await ReadAllAsync($"h,v\r\n2,\"stray\r\n{lines}");

        Assert.Equal(20_002, records.Count);
        Assert.Equal([(2, ["2", "\"stray"])], Rows(records.Skip(1).Take(1)));
        Assert.Equal("引号未闭合", records[1].Problem);
        Assert.Equal(Enumerable.Range(3, 20_000), records.Skip(2).Select(r => r.Row));
        Assert.All(records.Skip(2), r => Assert.Equal((r.Row.ToString(System.Globalization.CultureInfo.InvariantCulture), "ok", null), (r.Fields[0], r.Fields[1], r.Problem)));
    }

    [Fact]
    public async Task Text_after_a_closing_quote_stays_in_the_field_and_is_reported()
    {
        var records = await ReadAllAsync("\"ab\"cd,\"e\"\"f\"g\"h\r\nnext,row\r\n");

        Assert.Equal([(1, ["abcd", "e\"fg\"h"]), (2, ["next", "row"])], Rows(records));
        Assert.Equal(["引号闭合后还有多余字符", null], records.Select(r => r.Problem));
    }

    [Fact]
    public async Task Spaces_after_a_closing_quote_are_kept_but_are_not_a_problem()
    {
        var records = await ReadAllAsync("\"a\"  ,\"b\"\t\r\n");

        Assert.Equal(["a  ", "b\t"], records.Single().Fields);
        Assert.Null(records.Single().Problem);
    }

    [Fact]
    public async Task A_field_longer_than_a_spreadsheet_cell_is_cut_and_reported()
    {
        var records = await ReadAllAsync($"a,{new string('x', CsvRecordReader.MaxFieldLength + 10)},b\r\nnext\r\n");

        Assert.Equal(CsvRecordReader.MaxFieldLength, records[0].Fields[1].Length);
        Assert.Equal(("a", "b"), (records[0].Fields[0], records[0].Fields[2]));
        Assert.Contains("32767", records[0].Problem, StringComparison.Ordinal);
        Assert.Equal([(2, ["next"])], Rows(records.Skip(1)));
        Assert.Null(records[1].Problem);
    }

    [Fact]
    public async Task A_record_longer_than_the_limit_keeps_only_what_fits_and_is_reported()
    {
        var cell = new string('x', 30_000);
        var line = string.Join(',', Enumerable.Repeat(cell, 40));

        var records = await ReadAllAsync($"{line}\r\nnext\r\n");

        Assert.True(records[0].Fields.Sum(f => f.Length + 1) <= CsvRecordReader.MaxRecordLength);
        Assert.Equal(CsvRecordReader.MaxRecordLength / (cell.Length + 1), records[0].Fields.Count(f => f == cell));
        Assert.Contains("这一行超过", records[0].Problem, StringComparison.Ordinal);
        Assert.Equal([(2, ["next"])], Rows(records.Skip(1)));
    }

    [Fact]
    public async Task A_cancelled_read_throws_and_a_disposed_reader_refuses_to_read()
    {
        var reader = await CsvRecordReader.OpenAsync(new MemoryStream(Utf8.GetBytes("a\r\nb\r\n")), null, CancellationToken.None);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadAsync(new CancellationToken(canceled: true)));
        reader.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await reader.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Disposing_the_reader_leaves_the_stream_open()
    {
        var stream = new MemoryStream(Utf8.GetBytes("a\r\n"));

        await (await CsvRecordReader.OpenAsync(stream, null, CancellationToken.None)).DisposeAsync();

        Assert.True(stream.CanRead);
    }
}
