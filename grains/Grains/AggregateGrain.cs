using Microsoft.Extensions.Logging;
using MonitorGrid.Live;

namespace MonitorGrid.Grains;

/// <summary>The state of an aggregate grain: its roster entry (if it has one) and its totals.</summary>
public interface IAggregateGrainState
{
    AggregateState Totals { get; }
}

/// <summary>
/// What class, school, district and city grains share: fold deltas from below, pass them upward,
/// publish live, and write state behind (at most once a second) because a write per delta would cap
/// ingestion at the storage's write rate while adding nothing a crash could not lose anyway.
/// </summary>
public abstract partial class AggregateGrain<TState> : Grain
    where TState : class, IAggregateGrainState, new()
{
    private static readonly TimeSpan WriteBehindDelay = TimeSpan.FromSeconds(1);

    private readonly ILogger _logger;
    private ScopePublisher? _publisher;
    private IGrainTimer? _writeBehind;

    protected AggregateGrain(IPersistentState<TState> state, TimeProvider time, ILogger logger)
    {
        State = state;
        Time = time;
        _logger = logger;
    }

    protected IPersistentState<TState> State { get; }

    protected TimeProvider Time { get; }

    protected string RosterId => GridGrains.RosterId(this.GetPrimaryKeyString());

    /// <summary>The scope this grain serves.</summary>
    protected abstract Scope Scope { get; }

    /// <summary>The display name, or null while the node is not in the roster.</summary>
    protected abstract string? DisplayName { get; }

    private ScopePublisher Publisher => _publisher ??= new ScopePublisher(this, Snapshot, _logger);

    public Task<ScopeStatus?> GetStatusAsync() => Task.FromResult(Snapshot());

    public Task SubscribeAsync(IScopeObserver observer) => Publisher.SubscribeAsync(observer);

    public Task UnsubscribeAsync(IScopeObserver observer) => Publisher.UnsubscribeAsync(observer);

    public async Task ApplyAsync(ScopeDelta delta)
    {
        var shown = AggregateFolder.Fold(State.State.Totals, Scope.Kind, delta, Time.GetUtcNow());
        ScheduleWrite();
        if (shown is not null)
        {
            await Publisher.PublishAlertAsync(Scope.ToString(), shown);
        }

        await Publisher.StatusChangedAsync();
        await ForwardAsync(delta);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_writeBehind is not null)
        {
            _writeBehind.Dispose();
            _writeBehind = null;
            await State.WriteStateAsync(cancellationToken);
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <summary>Passes a delta to the parent; the city has none.</summary>
    protected abstract Task ForwardAsync(ScopeDelta delta);

    /// <summary>Tells live subscribers that the name or totals changed.</summary>
    protected Task StatusChangedAsync() => Publisher.StatusChangedAsync();

    private ScopeStatus? Snapshot() =>
        DisplayName is { } name ? AggregateFolder.Snapshot(State.State.Totals, Scope, name) : null;

    private void ScheduleWrite()
    {
        if (_writeBehind is not null)
        {
            return;
        }

        _writeBehind = this.RegisterGrainTimer(
            async () =>
            {
                _writeBehind?.Dispose();
                _writeBehind = null;
                try
                {
                    await State.WriteStateAsync();
                }
                catch (Exception ex)
                {
                    LogWriteBehindFailed(_logger, ex, Scope.ToString());
                    ScheduleWrite();
                }
            },
            WriteBehindDelay,
            Timeout.InfiniteTimeSpan);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Writing the totals of {Scope} failed; retrying")]
    private static partial void LogWriteBehindFailed(ILogger logger, Exception exception, string scope);
}
