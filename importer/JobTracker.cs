namespace MonitorGrid.Importer;

/// <summary>
/// The latest known state of the job, fed by the hub, by polling and by the upload's answer, which can arrive
/// out of order: a snapshot behind the current one is dropped, and a final state is never replaced.
/// </summary>
internal sealed class JobTracker
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<ImportJob> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _importId;
    private readonly Action<ImportJob>? _observer;
    private ImportJob _current;

    /// <summary>Starts from the job as created; <paramref name="observer"/> sees it and every state accepted after it.</summary>
    public JobTracker(ImportJob created, Action<ImportJob>? observer)
    {
        (_importId, _current, _observer) = (created.ImportId, created, observer);
        observer?.Invoke(created);
    }

    public ImportJob Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Completes with the final state, from whichever source brings it first.</summary>
    public Task<ImportJob> Finished => _finished.Task;

    public void Update(ImportJob job)
    {
        if (!string.Equals(job.ImportId, _importId, StringComparison.Ordinal))
        {
            return;
        }

        lock (_gate)
        {
            if (_current.IsFinished || (!job.IsFinished && (job.BytesRead < _current.BytesRead || job.RowsRead < _current.RowsRead)))
            {
                return;
            }

            _current = job;
        }

        _observer?.Invoke(job);
        if (job.IsFinished)
        {
            _finished.TrySetResult(job);
        }
    }
}
