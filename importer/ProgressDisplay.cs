namespace MonitorGrid.Importer;

/// <summary>
/// Shows the tracker's job on stderr. On a terminal: one line redrawn in place with <c>\r</c>, at most five times
/// a second and only when it changed. Redirected (a log, CI): a plain line every two seconds, since a log
/// has no use for a bar redrawn in place. Messages during the import go through <see cref="WriteLine"/> so
/// that they do not land in the middle of the bar.
/// </summary>
internal sealed class ProgressDisplay : IAsyncDisposable
{
    private static readonly TimeSpan RedrawEvery = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(2);

    private readonly JobTracker _tracker;
    private readonly TextWriter _error;
    private readonly bool _interactive;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private string? _shown;
    private bool _done;

    public ProgressDisplay(JobTracker tracker, TextWriter error, bool interactive)
    {
        (_tracker, _error, _interactive) = (tracker, error, interactive);
        _loop = RunAsync(_stop.Token);
    }

    /// <summary>Writes a message on a line of its own; the bar comes back on the next redraw.</summary>
    public void WriteLine(string message)
    {
        lock (_gate)
        {
            ClearLine();
            _error.WriteLine(message);
            _error.Flush();
        }
    }

    /// <summary>Stops redrawing and shows <paramref name="job"/> once more, the last line of progress.</summary>
    public async Task FinishAsync(ImportJob job)
    {
        await StopAsync();
        lock (_gate)
        {
            if (_interactive)
            {
                Draw(ProgressLine.Format(job));
                _error.WriteLine();
            }
            else
            {
                _error.WriteLine(ProgressLine.Format(job, withBar: false));
            }

            _error.Flush();
            _done = true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        lock (_gate)
        {
            // Whatever comes next (an error) starts on a line of its own.
            if (!_done && _interactive && _shown is not null)
            {
                _error.WriteLine();
                _error.Flush();
            }

            _done = true;
        }

        _stop.Dispose();
    }

    private async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await _loop;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interactive ? RedrawEvery : LogEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var job = _tracker.Current;
                lock (_gate)
                {
                    if (_interactive)
                    {
                        Draw(ProgressLine.Format(job));
                    }
                    else if (!job.IsFinished)
                    {
                        _error.WriteLine(ProgressLine.Format(job, withBar: false));
                    }

                    _error.Flush();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Finished or leaving.
        }
    }

    /// <summary>Redraws in place when the text changed, blanking what a longer previous line left behind.</summary>
    private void Draw(string line)
    {
        if (line == _shown)
        {
            return;
        }

        // Same layout, same number of wide (CJK) characters: the difference in characters is the difference in columns.
        var blank = Math.Max(0, (_shown?.Length ?? 0) - line.Length);
        _error.Write("\r" + line + new string(' ', blank));
        _shown = line;
    }

    private void ClearLine()
    {
        if (_interactive && _shown is not null)
        {
            _error.Write("\r" + new string(' ', Columns(_shown)) + "\r");
            _shown = null;
        }
    }

    /// <summary>Terminal columns the line takes: CJK and full-width characters take two.</summary>
    private static int Columns(string line) => line.Length + line.Count(c => c is >= '\u2E80' and <= '\uFFEF');
}
