namespace MonitorGrid;

/// <summary>What a CSV import brings in.</summary>
public enum ImportKind
{
    /// <summary>Students, with their classes, schools and districts when the file names them (Admin).</summary>
    Students,

    /// <summary>Staff accounts (Admin).</summary>
    Staff,

    /// <summary>Screening results (PsychTeacher or Admin, within their scope).</summary>
    Screening,
}

/// <summary>Where an import is.</summary>
public enum ImportState
{
    /// <summary>Created; its file has not been sent.</summary>
    Waiting,

    /// <summary>Its file is streaming in and rows are being applied.</summary>
    Running,

    /// <summary>Every row was read; each was applied, found unchanged or reported.</summary>
    Completed,

    /// <summary>Stopped on request; every row applied before the stop stays applied.</summary>
    Cancelled,

    /// <summary>Stopped by a fault or an unusable file; every row applied before it stays applied.</summary>
    Failed,
}

/// <summary>An import and its progress (docs/imports.md).</summary>
/// <param name="ImportId">The import's id.</param>
/// <param name="Kind">What it imports.</param>
/// <param name="FileName">The file's name as the uploader gave it.</param>
/// <param name="State">Where it is.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="CreatedAt">When it was created.</param>
[GenerateSerializer, Immutable, Alias("mg.ImportJob")]
public sealed record ImportJob(string ImportId, ImportKind Kind, string FileName, ImportState State, string CreatedBy, DateTimeOffset CreatedAt)
{
    /// <summary>The creator's scope (rows outside it are refused), e.g. <c>school:js-001</c>.</summary>
    [Id(0)] public string CreatedByScope { get; init; } = "city";

    /// <summary>The encoding asked for (<c>utf-8</c>, <c>gb18030</c>), or null to detect it.</summary>
    [Id(1)] public string? Encoding { get; init; }

    /// <summary>The encoding the file was read in, once known.</summary>
    [Id(2)] public string? EncodingUsed { get; init; }

    /// <summary>When its file began to stream in.</summary>
    [Id(3)] public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    [Id(4)] public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Bytes of the file read so far.</summary>
    [Id(5)] public long BytesRead { get; init; }

    /// <summary>The file's length when the uploader said it (Content-Length), else 0.</summary>
    [Id(6)] public long BytesTotal { get; init; }

    /// <summary>Data rows read so far (the header excluded).</summary>
    [Id(7)] public long RowsRead { get; init; }

    /// <summary>Rows that changed something.</summary>
    [Id(8)] public long RowsApplied { get; init; }

    /// <summary>Rows that were already stored as they are: nothing to change.</summary>
    [Id(9)] public long RowsUnchanged { get; init; }

    /// <summary>Rows refused, each with at least one <see cref="RowError"/>.</summary>
    [Id(10)] public long RowsFailed { get; init; }

    /// <summary>Rows finished per second since the start.</summary>
    [Id(11)] public double RowsPerSecond { get; init; }

    /// <summary>Estimated seconds to go, from the bytes read against the file's length (null while unknown).</summary>
    [Id(12)] public double? SecondsLeft { get; init; }

    /// <summary>Students whose tier the import raised (screening).</summary>
    [Id(13)] public long TiersRaised { get; init; }

    /// <summary>Header cells the kind does not know, as written in the file; their columns were ignored.</summary>
    [Id(14)] public string[] IgnoredColumns { get; init; } = [];

    /// <summary>Why the import failed or stopped, in words for its user.</summary>
    [Id(15)] public string? Message { get; init; }

    /// <summary>Whether cancelling was asked for.</summary>
    [Id(16)] public bool CancelRequested { get; init; }

    /// <summary>Whether the import has ended (completed, cancelled or failed).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsFinished => State is ImportState.Completed or ImportState.Cancelled or ImportState.Failed;
}

/// <summary>Why one row of an import was refused.</summary>
/// <param name="Row">The row as a spreadsheet numbers it: the header is row 1.</param>
/// <param name="Column">The column as the file's header names it, or null for the whole row.</param>
/// <param name="Reason">Why, in Chinese.</param>
/// <param name="Value">The offending value, when there is one.</param>
[GenerateSerializer, Immutable, Alias("mg.RowError")]
public sealed record RowError(int Row, string? Column, string Reason, string? Value);
