using System.Globalization;
using System.Text;

namespace MonitorGrid.Web.Imports.Csv;

/// <summary>
/// Where a file's header put the columns an import knows, whatever their order, language, case, spacing or
/// width; header cells that name no known column are <see cref="Ignored"/>.
/// </summary>
public sealed class CsvHeader
{
    /// <summary>The reason for a required column the header does not have.</summary>
    public const string MissingRequired = "缺少必填列";

    /// <summary>The reason for a header cell naming a column that an earlier cell already named.</summary>
    public const string Repeated = "列名重复";

    private readonly Dictionary<string, (int Index, string Text)> _byName;

    private CsvHeader(Dictionary<string, (int Index, string Text)> byName, IReadOnlyList<string> ignored, int width)
    {
        _byName = byName;
        Ignored = ignored;
        Width = width;
    }

    /// <summary>Header cells that name no known column, as written (trimmed), each once; empty cells are not listed.</summary>
    public IReadOnlyList<string> Ignored { get; }

    /// <summary>How many fields the header has.</summary>
    public int Width { get; }

    /// <summary>
    /// A header name reduced to what matters: compatibility-normalised (full-width letters, digits and
    /// spaces become ASCII), lower-case, without a byte-order mark, whitespace, dashes or underscores. So
    /// <c>Student_ID</c>, <c>student id</c> and <c>ＳｔｕｄｅｎｔＩＤ</c> are all <c>studentid</c>, and
    /// <c>PHQ-9</c> is <c>phq9</c>.
    /// </summary>
    public static string Normalize(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var text = header.Normalize(NormalizationForm.FormKC);
        var normal = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c != '\uFEFF' && !char.IsWhiteSpace(c)
                && char.GetUnicodeCategory(c) is not (UnicodeCategory.DashPunctuation or UnicodeCategory.ConnectorPunctuation))
            {
                normal.Append(char.ToLowerInvariant(c));
            }
        }

        return normal.ToString();
    }

    /// <summary>
    /// Maps a header row onto <paramref name="columns"/>. The header is usable when <paramref name="problems"/>
    /// is empty: every required column is there and no cell repeats a column or another cell.
    /// </summary>
    /// <param name="fields">The header row's fields as read.</param>
    /// <param name="columns">The columns the import knows.</param>
    /// <param name="problems">Missing required columns (by canonical name) and repeated header cells (by their text).</param>
    /// <exception cref="ArgumentException">Two of <paramref name="columns"/> share a name or an alias.</exception>
    public static CsvHeader Map(IReadOnlyList<string> fields, IReadOnlyList<CsvColumn> columns, out IReadOnlyList<HeaderProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(columns);
        var known = Known(columns);
        var byName = new Dictionary<string, (int Index, string Text)>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ignored = new List<string>();
        var found = new List<HeaderProblem>();
        for (var index = 0; index < fields.Count; index++)
        {
            var text = fields[index].TrimStart('\uFEFF').Trim();
            var normal = Normalize(text);
            if (normal.Length == 0)
            {
                continue;
            }

            // Only a known column named twice is ambiguous; a spreadsheet's repeated notes column (备注) is just ignored.
            if (known.TryGetValue(normal, out var column))
            {
                var problem = new HeaderProblem(text, Repeated);
                if (!byName.TryAdd(column.Name, (index, text)) && !found.Contains(problem))
                {
                    found.Add(problem);
                }
            }
            else if (seen.Add(normal))
            {
                ignored.Add(text);
            }
        }

        found.AddRange(columns.Where(c => c.Required && !byName.ContainsKey(c.Name)).Select(c => new HeaderProblem(c.Name, MissingRequired)));
        problems = found;
        return new CsvHeader(byName, ignored, fields.Count);
    }

    /// <summary>The column's field index, or -1 when the header does not have it.</summary>
    public int IndexOf(CsvColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return _byName.TryGetValue(column.Name, out var at) ? at.Index : -1;
    }

    /// <summary>Whether the header has the column.</summary>
    public bool Has(CsvColumn column) => IndexOf(column) >= 0;

    /// <summary>
    /// The record's cell in the column, trimmed; null when the header does not have the column, the record
    /// is too short to reach it, or the cell is empty or only whitespace.
    /// </summary>
    public string? Get(CsvRecord record, CsvColumn column)
    {
        ArgumentNullException.ThrowIfNull(record);
        var index = IndexOf(column);
        if (index < 0 || index >= record.Fields.Length)
        {
            return null;
        }

        var cell = record.Fields[index].Trim();
        return cell.Length == 0 ? null : cell;
    }

    /// <summary>The column's name as the file's header writes it (trimmed), or its canonical name when the header does not have it.</summary>
    public string HeaderText(CsvColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return _byName.TryGetValue(column.Name, out var at) ? at.Text : column.Name;
    }

    private static Dictionary<string, CsvColumn> Known(IReadOnlyList<CsvColumn> columns)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var known = new Dictionary<string, CsvColumn>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (!names.Add(column.Name))
            {
                throw new ArgumentException($"Two columns are named '{column.Name}'.", nameof(columns));
            }

            foreach (var name in column.Aliases.Prepend(column.Name))
            {
                // A column giving one name twice is harmless; two columns answering to one name would make the header ambiguous.
                var normal = Normalize(name);
                if (known.TryGetValue(normal, out var other) && !ReferenceEquals(other, column))
                {
                    throw new ArgumentException($"'{name}' names both '{other.Name}' and '{column.Name}'.", nameof(columns));
                }

                known[normal] = column;
            }
        }

        return known;
    }
}
