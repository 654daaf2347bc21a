using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MonitorGrid.Grains;
using MonitorGrid.Infrastructure;
using Orleans.Utilities;

namespace MonitorGrid.Live;

/// <summary>
/// The live side of one scope grain: keeps its subscribers, sends alert events at once and coalesces
/// status pushes to at most one per <see cref="MinInterval"/> (longer for scopes listing many alerts, see
/// <see cref="IntervalFor"/>), always sending the last state.
/// </summary>
internal sealed class ScopePublisher
{
    /// <summary>At most ten status pushes a second per scope, as the contract allows.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest a scope waits between status pushes, however many alerts it lists.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(5);

    /// <summary>The wait per open alert in the last status: about fifty alerts' worth of status a second per scope.</summary>
    public static readonly TimeSpan PerAlert = TimeSpan.FromMilliseconds(20);

    private TimeSpan _interval = MinInterval;

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

    /// <summary>Whether anybody watches the scope live.</summary>
    public bool HasSubscribers => _observers.Count > 0;

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

    public Task PublishEscalationAsync(string scope, EscalationEvent escalation) =>
        _observers.Count == 0 ? Task.CompletedTask : _observers.Notify(o => o.OnEscalationAsync(scope, escalation));

    public Task PublishCaseAsync(string scope, CaseEvent change) =>
        _observers.Count == 0 ? Task.CompletedTask : _observers.Notify(o => o.OnCaseAsync(scope, change));

    /// <summary>Marks the status changed: pushes now, or schedules one push for the end of the interval.</summary>
    public Task StatusChangedAsync()
    {
        if (_observers.Count == 0 || _pushLater.IsArmed)
        {
            return Task.CompletedTask;
        }

        var sinceLast = Stopwatch.GetElapsedTime(_lastPushTimestamp);
        if (_lastPushTimestamp == 0 || sinceLast >= _interval)
        {
            return PushAsync();
        }

        _pushLater.Arm(_interval - sinceLast, PushAsync);
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

        // A status carries the scope's open alerts, so a busy school or district sends hundreds of them
        // each time: such scopes push less often (alerts themselves still go out at once, one by one).
        _interval = IntervalFor(status.OpenAlerts.Length);
        GridMetrics.StatusPushes.Add(1);
        return _observers.Notify(o => o.OnStatusAsync(status));
    }

    /// <summary>The wait after a status listing <paramref name="openAlerts"/> alerts: 20 ms per alert, at least 100 ms, at most 5 s.</summary>
    public static TimeSpan IntervalFor(int openAlerts) =>
        TimeSpan.FromTicks(Math.Clamp(PerAlert.Ticks * openAlerts, MinInterval.Ticks, MaxInterval.Ticks));
}
