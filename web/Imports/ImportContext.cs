using System.Diagnostics;
using MonitorGrid.Web.Auth;
using MonitorGrid.Web.Imports.Csv;

namespace MonitorGrid.Web.Imports;

/// <summary>
/// What one running import shares between the reader, the processors and the progress loop: who imports,
/// the counters, the refused rows waiting to be stored, and the signal to stop taking rows.
/// </summary>
public sealed class ImportContext(ImportJob job, Caller caller, CsvHeader header, CancellationToken stopping)
{
    private readonly Lock _gate = new();
    private readonly List<RowError> _pendingErrors = [];
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _rowsRead;
    private long _applied;
    private long _unchanged;
    private long _failed;
    private long _raised;
    private int _errorsKept;

    public ImportJob Job { get; } = job;

    public Caller Caller { get; } = caller;

    public CsvHeader Header { get; } = header;

    /// <summary>Set when the import must stop taking rows (cancel, client gone); rows in flight still finish.</summary>
    public CancellationToken Stopping { get; } = stopping;

    /// <summary>Refused rows beyond this many are counted but not kept.</summary>
    public int MaxErrorsKept { get; init; } = 100_000;

    public long RowsRead => Interlocked.Read(ref _rowsRead);

    public long RowsDone => Interlocked.Read(ref _applied) + Interlocked.Read(ref _unchanged) + Interlocked.Read(ref _failed);

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    public void Read() => Interlocked.Increment(ref _rowsRead);

    public void Applied(bool tierRaised = false)
    {
        Interlocked.Increment(ref _applied);
        if (tierRaised)
        {
            Interlocked.Increment(ref _raised);
        }
    }

    public void Unchanged() => Interlocked.Increment(ref _unchanged);

    /// <summary>Refuses a row for one or more reasons; the row counts once.</summary>
    public void Failed(IReadOnlyCollection<RowError> errors)
    {
        Interlocked.Increment(ref _failed);
        lock (_gate)
        {
            foreach (var error in errors)
            {
                if (_errorsKept < MaxErrorsKept)
                {
                    _pendingErrors.Add(error);
                    _errorsKept++;
                }
            }
        }
    }

    /// <summary>Refuses a row for one reason.</summary>
    public void Failed(int row, string? column, string reason, string? value = null) => Failed([new RowError(row, column, reason, value)]);

    /// <summary>Takes the refused rows not yet stored, with the sequence number of the first.</summary>
    public (int FirstSeq, List<RowError> Errors) TakeErrors()
    {
        lock (_gate)
        {
            var taken = new List<RowError>(_pendingErrors);
            _pendingErrors.Clear();
            return (_errorsKept - taken.Count + 1, taken);
        }
    }

    /// <summary>The job as it stands now.</summary>
    public ImportJob Snapshot(ImportState state, long bytesRead, long bytesTotal)
    {
        var elapsed = Elapsed.TotalSeconds;
        var done = RowsDone;
        double? left = null;
        if (bytesTotal > 0 && bytesRead > 0 && state == ImportState.Running)
        {
            var fraction = Math.Min(1.0, (double)bytesRead / bytesTotal);
            left = fraction >= 1.0 ? 0 : Math.Round(elapsed * (1 - fraction) / fraction, 1);
        }

        return Job with
        {
            State = state,
            BytesRead = bytesRead,
            BytesTotal = bytesTotal,
            RowsRead = RowsRead,
            RowsApplied = Interlocked.Read(ref _applied),
            RowsUnchanged = Interlocked.Read(ref _unchanged),
            RowsFailed = Interlocked.Read(ref _failed),
            TiersRaised = Interlocked.Read(ref _raised),
            RowsPerSecond = elapsed > 0 ? Math.Round(done / elapsed, 1) : 0,
            SecondsLeft = left,
            IgnoredColumns = [.. Header.Ignored],
        };
    }
}

/// <summary>Reads one kind of file: its columns, and how its rows are checked and applied.</summary>
public interface IImportProcessor
{
    ImportKind Kind { get; }

    /// <summary>The columns the kind knows.</summary>
    IReadOnlyList<CsvColumn> Columns { get; }

    /// <summary>
    /// Applies the rows, reporting every one to the context as applied, unchanged or failed. Stops taking
    /// rows when <see cref="ImportContext.Stopping"/> is set, and returns once the rows in flight are done.
    /// A fault it cannot report against a row (storage gone) is thrown: the import fails and the rows not
    /// reported are for the next import of the same file.
    /// </summary>
    Task RunAsync(ImportContext context, IAsyncEnumerable<CsvRecord> rows);
}
