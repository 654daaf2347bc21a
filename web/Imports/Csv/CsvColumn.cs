namespace MonitorGrid.Web.Imports.Csv;

/// <summary>
/// A column an import knows: its canonical (Chinese) name and the other names a header may give it, matched
/// as <see cref="CsvHeader.Normalize"/> leaves them, so case, spaces, <c>_</c>, <c>-</c> and full-width
/// characters do not matter.
/// </summary>
/// <param name="Name">The canonical name, e.g. <c>学号</c>; also how the column is named in errors.</param>
/// <param name="Required">A header without this column is refused.</param>
/// <param name="Aliases">Other accepted names, e.g. <c>studentId</c>.</param>
public sealed record CsvColumn(string Name, bool Required, params string[] Aliases);

/// <summary>Why a header cannot be used.</summary>
/// <param name="Column">The required column's canonical name when it is missing; the header text as written when it repeats.</param>
/// <param name="Reason">In Chinese, for the people fixing the file.</param>
public sealed record HeaderProblem(string Column, string Reason);
