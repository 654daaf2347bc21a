using System.Buffers;

namespace MonitorGrid.Web.Imports.Csv;

/// <summary>
/// Writes CSV for people to open in a spreadsheet: RFC 4180 quoting, CRLF line ends, and no cell that a
/// spreadsheet would run as a formula.
/// </summary>
public static class CsvText
{
    private static readonly SearchValues<char> NeedQuotes = SearchValues.Create(",\"\r\n");
    private static readonly SearchValues<char> FormulaStarts = SearchValues.Create("=+-@\t\r");

    /// <summary>
    /// Writes one row and its CRLF. A cell is quoted, its quotes doubled, when it holds a comma, quote or
    /// line break, or starts or ends with a space or tab (which readers may otherwise trim). A cell starting
    /// with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a CR gets a leading <c>'</c> so that a spreadsheet
    /// shows it as text instead of running it (a name such as <c>=HYPERLINK(…)</c> in a roster would
    /// otherwise become a link in the reader's spreadsheet); a plain negative number such as <c>-3</c> or
    /// <c>-0.5</c> is left as it is. Null cells are empty.
    /// </summary>
    public static void WriteRow(TextWriter writer, IEnumerable<string?> cells)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(cells);
        var first = true;
        foreach (var cell in cells)
        {
            if (!first)
            {
                writer.Write(',');
            }

            first = false;
            WriteCell(writer, cell ?? "");
        }

        writer.Write("\r\n");
    }

    private static void WriteCell(TextWriter writer, string cell)
    {
        var neutralise = cell.Length > 0 && FormulaStarts.Contains(cell[0]) && !IsNegativeNumber(cell);
        var quote = cell.AsSpan().ContainsAny(NeedQuotes)
            || (cell.Length > 0 && (IsBlank(cell[^1]) || (!neutralise && IsBlank(cell[0]))));
        if (quote)
        {
            writer.Write('"');
        }

        if (neutralise)
        {
            writer.Write('\'');
        }

        if (quote)
        {
            var rest = cell.AsSpan();
            for (var at = rest.IndexOf('"'); at >= 0; at = rest.IndexOf('"'))
            {
                writer.Write(rest[..(at + 1)]);
                writer.Write('"');
                rest = rest[(at + 1)..];
            }

            writer.Write(rest);
            writer.Write('"');
        }
        else
        {
            writer.Write(cell);
        }
    }

    private static bool IsBlank(char c) => c is ' ' or '\t';

    /// <summary>Digits after a minus, with at most one decimal point between digits: a value, not a formula.</summary>
    private static bool IsNegativeNumber(string cell)
    {
        if (cell[0] != '-')
        {
            return false;
        }

        var digits = cell.AsSpan(1);
        var point = digits.IndexOf('.');
        return point < 0
            ? IsDigits(digits)
            : IsDigits(digits[..point]) && IsDigits(digits[(point + 1)..]);

        static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');
    }
}
