using Microsoft.AspNetCore.SignalR;
using MonitorGrid.Grains;

namespace MonitorGrid.Web.Live;

/// <summary>
/// One per web node: subscribes as a grain observer to every scope some connection here watches, and
/// fans what the grains push out to SignalR groups. Subscriptions are renewed at half their expiry,
/// and when a node leaves (<see cref="RenewingRelay"/>); every renewal also pushes a fresh snapshot so that a
/// push lost in between is made good.
/// </summary>
public sealed partial class GridRelay(
    IGrainFactory grains,
    IHubContext<GridHub, IGridClient> hub,
    IClusterMembershipService membership,
    ILogger<GridRelay> logger) : RenewingRelay(membership, logger), IScopeObserver
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<Scope, HashSet<string>> _watchers = [];
    private readonly Dictionary<string, HashSet<Scope>> _connections = new(StringComparer.Ordinal);
    private IScopeObserver? _reference;

    /// <summary>The group for a scope's watchers who see identities, or aggregates only.</summary>
    public static string GroupName(Scope scope, bool identities) => (identities ? "full|" : "agg|") + scope;

    public async Task<ScopeStatus?> WatchAsync(string connectionId, Scope scope)
    {
        var grain = grains.ForScope(scope);
        await _gate.WaitAsync();
        try
        {
            if (!_connections.TryGetValue(connectionId, out var scopes))
            {
                _connections[connectionId] = scopes = [];
            }

            scopes.Add(scope);
            bool first;
            lock (_watchers)
            {
                first = !_watchers.TryGetValue(scope, out var set);
                if (first)
                {
                    _watchers[scope] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set!.Add(connectionId);
            }

            if (first)
            {
                await grain.SubscribeAsync(Reference);
            }
        }
        finally
        {
            _gate.Release();
        }

        // Read after subscribing, so nothing between the snapshot and the first push is missed.
        return await grain.GetStatusAsync();
    }

    public async Task UnwatchAsync(string connectionId, Scope scope)
    {
        await _gate.WaitAsync();
        try
        {
            if (_connections.TryGetValue(connectionId, out var scopes))
            {
                scopes.Remove(scope);
            }

            await ReleaseAsync(connectionId, scope);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task DisconnectedAsync(string connectionId)
    {
        await _gate.WaitAsync();
        try
        {
            if (_connections.Remove(connectionId, out var scopes))
            {
                foreach (var scope in scopes)
                {
                    await ReleaseAsync(connectionId, scope);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task OnStatusAsync(ScopeStatus status)
    {
        if (Scope.TryParse(status.Scope, out var scope))
        {
            Send(hub.Clients.Group(GroupName(scope, identities: true)).status(status), status.Scope);
            Send(hub.Clients.Group(GroupName(scope, identities: false)).status(status.Redacted()), status.Scope);
        }

        return Task.CompletedTask;
    }

    public Task OnAlertAsync(string scope, AlertEvent alert)
    {
        if (Scope.TryParse(scope, out var s))
        {
            Send(hub.Clients.Group(GroupName(s, identities: true)).alert(alert), scope);
        }

        return Task.CompletedTask;
    }

    public Task OnEscalationAsync(string scope, EscalationEvent escalation)
    {
        if (Scope.TryParse(scope, out var s))
        {
            Send(hub.Clients.Group(GroupName(s, identities: true)).escalation(escalation), scope);
        }

        return Task.CompletedTask;
    }

    public Task OnCaseAsync(string scope, CaseEvent change)
    {
        if (Scope.TryParse(scope, out var s))
        {
            Send(hub.Clients.Group(GroupName(s, identities: true)).@case(change), scope);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Sends without waiting for the boards' sockets. Grain-observer calls reach this relay one at a time,
    /// so awaiting every connection of a group held the next call, often an alert, behind the slowest
    /// board: under load alerts were seconds late (docs/benchmarks.md). SignalR keeps each connection's
    /// messages in order.
    /// </summary>
    private void Send(Task sending, string scope) => WithoutWaiting(sending, logger, scope, LogSendFailed);


    protected override async Task RenewAllAsync()
    {
        Scope[] scopes;
        lock (_watchers)
        {
            scopes = [.. _watchers.Keys];
        }

        foreach (var scope in scopes)
        {
            try
            {
                var grain = grains.ForScope(scope);
                await grain.SubscribeAsync(Reference);
                if (await grain.GetStatusAsync() is { } snapshot)
                {
                    await OnStatusAsync(snapshot);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRenewFailed(logger, ex, scope.ToString());
            }
        }
    }

    private IScopeObserver Reference => _reference ??= grains.CreateObjectReference<IScopeObserver>(this);

    private async Task ReleaseAsync(string connectionId, Scope scope)
    {
        bool last;
        lock (_watchers)
        {
            last = _watchers.TryGetValue(scope, out var set) && set.Remove(connectionId) && set.Count == 0;
            if (last)
            {
                _watchers.Remove(scope);
            }
        }

        if (last)
        {
            try
            {
                await grains.ForScope(scope).UnsubscribeAsync(Reference);
            }
            catch (Exception ex)
            {
                // The subscription expires by itself; failing to end it early costs nothing.
                LogRenewFailed(logger, ex, scope.ToString());
            }
        }
    }

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Sending a live update of {Scope} to its boards failed")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string scope);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Renewing or ending the live subscription to {Scope} failed")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string scope);
}
