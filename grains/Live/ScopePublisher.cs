using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MonitorGrid.Grains;
using MonitorGrid.Infrastructure;
using Orleans.Utilities;

namespace MonitorGrid.Live;

/// <summary>
/// The live side of one scope grain: keeps its subscribers, sends alert events at once and coalesces
/// status pushes to at most one per <see cref="MinInterval"/>, always sending the last state.
/// </summary>
internal sealed class ScopePublisher
{
    /// <summary>At most ten status pushes a second per scope, as the contract allows.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);

    private readonly IGrainBase _grain;
    private readonly Func<ScopeStatus?> _snapshot;
    private readonly ObserverManager<IScopeObserver> _observers;
    private long _lastPushTimestamp;
    private readonly OneShotTimer _pushLater;

    public ScopePublisher(IGrainBase grain, Func<ScopeStatus?> snapshot, ILogger logger)
    {
        _grain = grain;
        _pushLater = new OneShotTimer(grain);
        _snapshot = snapshot;
        _observers = new ObserverManager<IScopeObserver>(ScopeSubscriptions.Expiry, logger);
    }

    public Task SubscribeAsync(IScopeObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IScopeObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task PublishAlertAsync(string scope, AlertEvent alert) =>
        _observers.Count == 0 ? Task.CompletedTask : _observers.Notify(o => o.OnAlertAsync(scope, alert));

    /// <summary>Marks the status changed: pushes now, or schedules one push for the end of the interval.</summary>
    public Task StatusChangedAsync()
    {
        if (_observers.Count == 0 || _pushLater.IsArmed)
        {
            return Task.CompletedTask;
        }

        var sinceLast = Stopwatch.GetElapsedTime(_lastPushTimestamp);
        if (_lastPushTimestamp == 0 || sinceLast >= MinInterval)
        {
            return PushAsync();
        }

        _pushLater.Arm(MinInterval - sinceLast, PushAsync);
        return Task.CompletedTask;
    }

    private Task PushAsync()
    {
        _lastPushTimestamp = Stopwatch.GetTimestamp();
        var status = _snapshot();
        if (status is null || _observers.Count == 0)
        {
            return Task.CompletedTask;
        }

        GridMetrics.StatusPushes.Add(1);
        return _observers.Notify(o => o.OnStatusAsync(status));
    }
}
