using System.Globalization;
using MonitorGrid.Web.Imports.Csv;

namespace MonitorGrid.Tests.Imports.Csv;

/// <summary>CSV written for download: quoted where needed, CRLF, and never a formula.</summary>
public sealed class Csv_text_writes_cells_a_spreadsheet_reads_back_as_text
{
    private static string Row(params string?[] cells)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        CsvText.WriteRow(writer, cells);
        return writer.ToString();
    }

    [Fact]
    public void Plain_cells_are_written_as_they_are_and_the_row_ends_in_crlf()
    {
        Assert.Equal("行号,列,原因,内容\r\n", Row("行号", "列", "原因", "内容"));
        Assert.Equal("17,,a b,\r\n", Row("17", null, "a b", ""));
        Assert.Equal("\r\n", Row());
    }

    [Theory]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("\"", "\"\"\"\"")]
    [InlineData("line 1\nline 2", "\"line 1\nline 2\"")]
    [InlineData("line 1\r\nline 2", "\"line 1\r\nline 2\"")]
    [InlineData(" leading", "\" leading\"")]
    [InlineData("trailing ", "\"trailing \"")]
    [InlineData("trailing\t", "\"trailing\t\"")]
    [InlineData("in side", "in side")]
    public void A_cell_is_quoted_with_its_quotes_doubled_when_it_holds_a_separator_a_quote_a_line_break_or_outer_spaces(string cell, string written)
    {
        Assert.Equal($"x,{written}\r\n", Row("x", cell));
    }

    [Theory]
    [InlineData("=SUM(A1:A9)", "'=SUM(A1:A9)")]
    [InlineData("+86 138", "'+86 138")]
    [InlineData("+3", "'+3")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("-", "'-")]
    [InlineData("-3.", "'-3.")]
    [InlineData("-1e5", "'-1e5")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("=HYPERLINK(\"http://x\",\"a\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"a\"\")\"")]
    [InlineData("-x ", "\"'-x \"")]
    public void A_cell_a_spreadsheet_would_run_as_a_formula_starts_with_an_apostrophe(string cell, string written)
    {
        Assert.Equal($"{written}\r\n", Row(cell));
    }

    [Theory]
    [InlineData("-3")]
    [InlineData("-0.5")]
    [InlineData("-120")]
    [InlineData("a=b")]
    [InlineData("3-1")]
    public void Negative_numbers_and_cells_with_formula_characters_further_in_are_left_alone(string cell)
    {
        Assert.Equal($"{cell}\r\n", Row(cell));
    }

    [Fact]
    public async Task What_is_written_reads_back_the_same_apart_from_the_apostrophes()
    {
        string?[] cells = ["学号", "a,b", "say \"hi\"", "two\r\nlines", " spaced ", "=1+1", "-3", null, "", "\"", "张三"];
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        CsvText.WriteRow(writer, cells);
        CsvText.WriteRow(writer, ["next"]);

        var records = await CsvStreams.ReadAllAsync(writer.ToString());

        Assert.Equal(
            [(1, ["学号", "a,b", "say \"hi\"", "two\r\nlines", " spaced ", "'=1+1", "-3", "", "", "\"", "张三"]), (2, ["next"])],
            CsvStreams.Rows(records));
        Assert.All(records, r => Assert.Null(r.Problem));
    }
}
