namespace MonitorGrid.Importer;

/// <summary>The importer's exit codes, so that scripts can tell the outcomes apart.</summary>
public static class ExitCodes
{
    /// <summary>Completed and every row was applied or unchanged.</summary>
    public const int Completed = 0;

    /// <summary>Completed, but some rows were refused (see the errors file).</summary>
    public const int CompletedWithRowErrors = 1;

    /// <summary>Cancelled (Ctrl+C).</summary>
    public const int Cancelled = 2;

    /// <summary>The import failed, or the server refused a request or could not be reached.</summary>
    public const int Failed = 3;

    /// <summary>Bad arguments (sysexits' EX_USAGE).</summary>
    public const int Usage = 64;

    /// <summary>The exit code of a job in a final state.</summary>
    public static int For(ImportJob job) => job.State switch
    {
        ImportState.Completed => job.RowsFailed > 0 ? CompletedWithRowErrors : Completed,
        ImportState.Cancelled => Cancelled,
        _ => Failed,
    };
}
