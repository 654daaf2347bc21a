using Microsoft.AspNetCore.SignalR;
using MonitorGrid.Grains;

namespace MonitorGrid.Web.Live;

/// <summary>
/// One per web node: watches the imports some connection here follows, through their grains, and passes
/// their progress to the SignalR group of each. The node reading the file may be another one.
/// </summary>
public sealed partial class ImportRelay(
    IGrainFactory grains,
    IHubContext<GridHub, IGridClient> hub,
    IClusterMembershipService membership,
    ILogger<ImportRelay> logger) : RenewingRelay(membership, logger), IImportObserver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<string>> _watchers = new(StringComparer.Ordinal);
    private IImportObserver? _reference;

    public static string GroupName(string importId) => "import|" + importId;

    private IImportObserver Reference => _reference ??= grains.CreateObjectReference<IImportObserver>(this);

    /// <summary>Starts relaying the import to the connection; returns its latest progress, if its grain has any.</summary>
    public async Task<ImportJob?> WatchAsync(string connectionId, string importId)
    {
        bool first;
        lock (_gate)
        {
            first = !_watchers.TryGetValue(importId, out var set);
            if (first)
            {
                _watchers[importId] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set!.Add(connectionId);
        }

        var grain = grains.Import(importId);
        if (first)
        {
            await grain.SubscribeAsync(Reference);
        }

        return await grain.GetAsync();
    }

    public async Task UnwatchAsync(string connectionId, string importId)
    {
        bool last;
        lock (_gate)
        {
            last = _watchers.TryGetValue(importId, out var set) && set.Remove(connectionId) && set.Count == 0;
            if (last)
            {
                _watchers.Remove(importId);
            }
        }

        if (last)
        {
            try
            {
                await grains.Import(importId).UnsubscribeAsync(Reference);
            }
            catch (Exception ex)
            {
                // The subscription expires by itself.
                LogRelayFailed(logger, ex, importId);
            }
        }
    }

    public async Task DisconnectedAsync(string connectionId)
    {
        string[] watched;
        lock (_gate)
        {
            watched = [.. _watchers.Where(w => w.Value.Contains(connectionId)).Select(w => w.Key)];
        }

        foreach (var importId in watched)
        {
            await UnwatchAsync(connectionId, importId);
        }
    }

    public Task OnProgressAsync(ImportJob progress)
    {
        // As the scope relay: observer calls come one at a time, so no watcher's socket may hold the next.
        WithoutWaiting(hub.Clients.Group(GroupName(progress.ImportId)).import(progress), logger, progress.ImportId, LogRelayFailed);
        return Task.CompletedTask;
    }

    /// <summary>Subscribes again to every import followed here; a renewal also sends the latest progress.</summary>
    protected override async Task RenewAllAsync()
    {
        string[] imports;
        lock (_gate)
        {
            imports = [.. _watchers.Keys];
        }

        foreach (var importId in imports)
        {
            try
            {
                var grain = grains.Import(importId);
                await grain.SubscribeAsync(Reference);
                if (await grain.GetAsync() is { } latest)
                {
                    await OnProgressAsync(latest);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRelayFailed(logger, ex, importId);
            }
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Relaying the progress of import {ImportId} failed")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception, string importId);
}
