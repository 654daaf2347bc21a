using System.Text.Json;
using System.Text.Json.Serialization;

namespace MonitorGrid.Importer;

/// <summary>What a file holds: the <c>kind</c> of an import (docs/imports.md).</summary>
public enum ImportKind
{
    /// <summary>Student roster rows (Admin).</summary>
    Students,

    /// <summary>Staff accounts (Admin).</summary>
    Staff,

    /// <summary>Screening results, PHQ-9 and GAD-7 (PsychTeacher or Admin).</summary>
    Screening,
}

/// <summary>Where an import stands. <c>Completed</c>, <c>Cancelled</c> and <c>Failed</c> are final.</summary>
public enum ImportState
{
    /// <summary>Created, no content yet.</summary>
    Waiting,

    /// <summary>The content is streaming in and rows are being applied.</summary>
    Running,

    /// <summary>Every row was read; some may have failed.</summary>
    Completed,

    /// <summary>Stopped on request after the rows in flight.</summary>
    Cancelled,

    /// <summary>Stopped by an error (a header that cannot be used, a broken upload).</summary>
    Failed,
}

/// <summary>
/// An import job as the server sends it (<c>ImportJob</c> in docs/imports.md). Only the fields the importer
/// shows; every one but the id, kind, file name and state may be missing.
/// </summary>
public sealed record ImportJob(
    string ImportId,
    ImportKind Kind,
    string FileName,
    ImportState State,
    string? CreatedBy = null,
    DateTimeOffset? CreatedAt = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? FinishedAt = null,
    long BytesRead = 0,
    long? BytesTotal = null,
    long RowsRead = 0,
    long RowsApplied = 0,
    long RowsUnchanged = 0,
    long RowsFailed = 0,
    double RowsPerSecond = 0,
    double? SecondsLeft = null,
    long TiersRaised = 0,
    IReadOnlyList<string>? IgnoredColumns = null,
    string? Message = null)
{
    /// <summary>Rows the server is done with; <c>rowsRead</c> also counts rows still in flight.</summary>
    [JsonIgnore]
    public long RowsDone => RowsApplied + RowsUnchanged + RowsFailed;

    /// <summary>Whether no more updates will come.</summary>
    [JsonIgnore]
    public bool IsFinished => State is ImportState.Completed or ImportState.Cancelled or ImportState.Failed;
}

/// <summary>One refused row (<c>RowError</c>): its spreadsheet row number, the column (null for the whole row), why, and what it held.</summary>
public sealed record RowError(long Row, string? Column, string Reason, string? Value);

/// <summary>The body of <c>POST /api/imports</c>.</summary>
public sealed record CreateImportRequest(ImportKind Kind, string FileName, string? Encoding);

/// <summary>The body of <c>POST /api/auth/token</c>.</summary>
public sealed record SignInRequest(string UserId, string Password);

/// <summary>What <c>POST /api/auth/token</c> answers; the importer needs only the token.</summary>
public sealed record SignInResponse(string AccessToken, DateTimeOffset? ExpiresAt = null, string? Role = null, string? Scope = null);

/// <summary>The contract's JSON: camelCase, enums as their names, never as numbers.</summary>
public static class ImporterJson
{
    /// <summary>Options for every HTTP body the importer reads or writes.</summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the contract's rules to <paramref name="options"/> (also the hub's payload options).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
        return options;
    }
}
