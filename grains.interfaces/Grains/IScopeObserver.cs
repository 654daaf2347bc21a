using Orleans.Concurrency;

namespace MonitorGrid.Grains;

/// <summary>
/// A live subscriber to one or more scopes: in practice one per web node, relaying to SignalR clients.
/// Calls are one-way so a slow or vanished subscriber never holds up a grain.
/// </summary>
[Alias("mg.IScopeObserver")]
public interface IScopeObserver : IGrainObserver
{
    /// <summary>The scope's status changed (coalesced by the grain to at most ten a second).</summary>
    [OneWay, Alias("OnStatus")]
    Task OnStatusAsync(ScopeStatus status);

    /// <summary>An alert under the scope was raised, raised higher, acknowledged or resolved.</summary>
    [OneWay, Alias("OnAlert")]
    Task OnAlertAsync(string scope, AlertEvent alert);

    /// <summary>An alert nobody acknowledged in time was escalated to this scope.</summary>
    [OneWay, Alias("OnEscalation")]
    Task OnEscalationAsync(string scope, EscalationEvent escalation);

    /// <summary>A case under the scope changed, or its follow-up fell overdue.</summary>
    [OneWay, Alias("OnCase")]
    Task OnCaseAsync(string scope, CaseEvent change);
}

/// <summary>What every node of the hierarchy offers: its status and live updates of it.</summary>
[Alias("mg.IScopeGrain")]
public interface IScopeGrain : IGrainWithStringKey
{
    /// <summary>The current status, or null when the node is not in the roster.</summary>
    [Alias("GetStatus")]
    Task<ScopeStatus?> GetStatusAsync();

    /// <summary>
    /// Subscribes (or renews) <paramref name="observer"/>. Subscriptions expire unless renewed; the caller
    /// renews at about half of <see cref="ScopeSubscriptions.Expiry"/>.
    /// </summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(IScopeObserver observer);

    /// <summary>Ends a subscription.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IScopeObserver observer);
}

/// <summary>How long a scope subscription lives without renewal.</summary>
public static class ScopeSubscriptions
{
    /// <summary>Subscriptions not renewed within this time are dropped.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(2);
}

/// <summary>A node above students (class, school, district, city) that folds student updates from below.</summary>
[Alias("mg.IAggregateGrain")]
public interface IAggregateGrain : IScopeGrain
{
    /// <summary>Folds a student's new status in and passes it on upward.</summary>
    [Alias("Apply")]
    Task ApplyAsync(StudentUpdate update);

    /// <summary>Reloads counts and alerts from the journal's projection (after roster changes).</summary>
    [Alias("Refresh")]
    Task RefreshAsync();
}
