namespace MonitorGrid.Web.Imports.Csv;

/// <summary>
/// One record of a CSV file: the row a spreadsheet shows it on (the header is row 1) and its fields as
/// written, neither trimmed nor otherwise changed.
/// </summary>
/// <param name="Row">The spreadsheet's row number; a record whose quoted field spans lines is still one row.</param>
/// <param name="Fields">The fields, as many as the line has (a short line is not padded).</param>
public sealed record CsvRecord(int Row, string[] Fields)
{
    /// <summary>
    /// The record holds text that is not what was typed: bytes that are not valid in the file's encoding
    /// (decoded as U+FFFD), or a U+FFFD already in the file from an earlier broken conversion.
    /// </summary>
    public bool InvalidText { get; init; }

    /// <summary>What was wrong with the record's CSV, in Chinese for the people fixing the file; null when nothing.</summary>
    public string? Problem { get; init; }
}
