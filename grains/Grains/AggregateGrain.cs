using Microsoft.Extensions.Logging;
using MonitorGrid.Live;
using MonitorGrid.Persistence;

namespace MonitorGrid.Grains;

/// <summary>
/// What class, school, district and city grains share. Their counts and alerts are not grain state:
/// they are loaded from the journal's projection on activation (and on refresh after roster changes)
/// and kept current by student updates, so no crash can leave them drifting from the students.
/// </summary>
public abstract class AggregateGrain : Grain
{
    private readonly IGridJournal _journal;
    private readonly ILogger _logger;
    private ScopeTotals? _totals;
    private ScopePublisher? _publisher;

    protected AggregateGrain(IGridJournal journal, TimeProvider time, ILogger logger)
    {
        _journal = journal;
        Time = time;
        _logger = logger;
    }

    protected TimeProvider Time { get; }

    protected string RosterId => GridGrains.RosterId(this.GetPrimaryKeyString());

    /// <summary>The scope this grain serves.</summary>
    protected abstract Scope Scope { get; }

    /// <summary>The display name, or null while the node is not in the roster.</summary>
    protected abstract string? DisplayName { get; }

    private ScopeTotals Totals => _totals ??= new ScopeTotals(Scope.Kind);

    private ScopePublisher Publisher => _publisher ??= new ScopePublisher(this, Snapshot, _logger);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        await LoadAsync(cancellationToken);
    }

    public Task<ScopeStatus?> GetStatusAsync() => Task.FromResult(Snapshot());

    public Task SubscribeAsync(IScopeObserver observer) => Publisher.SubscribeAsync(observer);

    public Task UnsubscribeAsync(IScopeObserver observer) => Publisher.UnsubscribeAsync(observer);

    public async Task ApplyAsync(StudentUpdate update)
    {
        var changed = Totals.Apply(update, Time.GetUtcNow());
        if (update.Event is { } e && AlertVisibility.Shows(Scope.Kind, e.Tier))
        {
            await Publisher.PublishAlertAsync(Scope.ToString(), e);
        }

        if (update.Escalation is { } escalation && escalation.EscalatedTo == Scope.ToString())
        {
            await Publisher.PublishEscalationAsync(Scope.ToString(), escalation);
        }

        // Cases name students: the class, school and district follow them; the city only counts.
        if (update.Case is { } change && Scope.Kind != ScopeKind.City)
        {
            await Publisher.PublishCaseAsync(Scope.ToString(), change);
        }

        if (changed)
        {
            await Publisher.StatusChangedAsync();
        }

        await ForwardAsync(update);
    }

    public async Task RefreshAsync()
    {
        await LoadAsync(CancellationToken.None);
        await Publisher.StatusChangedAsync();
    }

    /// <summary>Passes an update to the parent; the city has none.</summary>
    protected abstract Task ForwardAsync(StudentUpdate update);

    /// <summary>Tells live subscribers that the name changed.</summary>
    protected Task StatusChangedAsync() => Publisher.StatusChangedAsync();

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var projection = await _journal.LoadScopeAsync(Scope, cancellationToken);
        Totals.Load(projection, Time.GetUtcNow());
    }

    private ScopeStatus? Snapshot() => DisplayName is { } name ? Totals.Snapshot(Scope, name) : null;
}
