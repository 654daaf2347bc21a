using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace MonitorGrid.Grains;

/// <summary>
/// One running import's meeting point: the node reading the file reports here, watchers hear it, a
/// cancel waits here for the reader's next report. Nothing is stored: the import store is the record.
/// </summary>
public sealed class ImportGrain(ILogger<ImportGrain> logger) : Grain, IImportGrain
{
    private readonly ObserverManager<IImportObserver> _observers = new(ScopeSubscriptions.Expiry, logger);
    private ImportJob? _latest;
    private bool _cancel;

    public async Task<bool> ReportAsync(ImportJob progress)
    {
        var latest = _latest = progress with { CancelRequested = _cancel || progress.CancelRequested };
        if (_observers.Count > 0)
        {
            await _observers.Notify(o => o.OnProgressAsync(latest));
        }

        // A finished import has nothing more to say; its watchers have the final state.
        if (progress.IsFinished)
        {
            DelayDeactivation(ScopeSubscriptions.Expiry);
        }

        return _cancel;
    }

    public Task<ImportJob?> GetAsync() => Task.FromResult(_latest);

    public async Task CancelAsync()
    {
        _cancel = true;
        if (_latest is { IsFinished: false } running)
        {
            var latest = _latest = running with { CancelRequested = true };
            if (_observers.Count > 0)
            {
                await _observers.Notify(o => o.OnProgressAsync(latest));
            }
        }
    }

    public Task SubscribeAsync(IImportObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IImportObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }
}
