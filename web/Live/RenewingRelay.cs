using MonitorGrid.Grains;

namespace MonitorGrid.Web.Live;

/// <summary>
/// What every per-node relay of grain pushes to SignalR shares: the node subscribes as a grain observer to what
/// its connections watch, and subscriptions must be renewed, at half their expiry (observers expire) and at once
/// when a node leaves the cluster (the grains that held them are gone). One instance per node and kind.
/// </summary>
public abstract partial class RenewingRelay(IClusterMembershipService membership, ILogger logger) : BackgroundService
{
    /// <summary>Subscribes again to everything watched here and sends each watcher the latest state.</summary>
    protected abstract Task RenewAllAsync();

    /// <summary>Lets a SignalR send go on by itself; a failure is logged by <paramref name="failed"/> with <paramref name="subject"/>.</summary>
    public static void WithoutWaiting(Task sending, ILogger logger, string subject, Action<ILogger, Exception, string> failed)
    {
        if (!sending.IsCompletedSuccessfully)
        {
            sending.ContinueWith(
                t => failed(logger, t.Exception!, subject),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    protected sealed override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(RenewPeriodicallyAsync(stoppingToken), RenewWhenANodeLeavesAsync(stoppingToken));

    private async Task RenewPeriodicallyAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ScopeSubscriptions.Expiry / 2);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RenewAllAsync();
        }
    }

    /// <summary>
    /// A node that leaves takes its activations, and with them the subscriptions they held: without this,
    /// boards would hear nothing from the grains that lived there (an escalation, an import's progress) until
    /// the next periodic renewal, up to a minute later. Renewing reactivates them elsewhere and sends each
    /// watcher a snapshot, which recovers what was pushed to nobody in between.
    /// </summary>
    private async Task RenewWhenANodeLeavesAsync(CancellationToken stoppingToken)
    {
        // Renew when a node starts to leave (its activations are going) and again when it is dead: an
        // activation still closing on the leaving node can take a renewal with it.
        var known = new Dictionary<SiloAddress, SiloStatus>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var leaving = new List<SiloAddress>();
                foreach (var (silo, member) in snapshot.Members)
                {
                    if (known.TryGetValue(silo, out var before) && before != member.Status
                        && member.Status is SiloStatus.ShuttingDown or SiloStatus.Stopping or SiloStatus.Dead)
                    {
                        leaving.Add(silo);
                    }

                    known[silo] = member.Status;
                }

                if (leaving.Count > 0)
                {
                    LogNodeLeft(logger, string.Join(", ", leaving.Select(s => $"{s} {known[s]}")));
                    await RenewAllAsync();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Nodes left the cluster ({Silos}): renewing every live subscription")]
    private static partial void LogNodeLeft(ILogger logger, string silos);
}
