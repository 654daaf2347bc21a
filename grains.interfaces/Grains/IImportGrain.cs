using Orleans.Concurrency;

namespace MonitorGrid.Grains;

/// <summary>
/// One running import, seen from every node: the node reading its file reports progress here, watchers
/// on any web node hear it, and a cancel asked on any node reaches the reader. It holds nothing durable
/// (the import store does); after a failover the reader's next report sets it up again.
/// </summary>
[Alias("mg.IImportGrain")]
public interface IImportGrain : IGrainWithStringKey
{
    /// <summary>Records the latest progress, tells the watchers and answers whether cancelling was asked for.</summary>
    [Alias("Report")]
    Task<bool> ReportAsync(ImportJob progress);

    /// <summary>The latest progress reported, or null when none reached this activation.</summary>
    [Alias("Get")]
    Task<ImportJob?> GetAsync();

    /// <summary>Asks the reader to stop after the rows in flight.</summary>
    [Alias("Cancel")]
    Task CancelAsync();

    /// <summary>Subscribes (or renews) a watcher; subscriptions expire like scope subscriptions.</summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(IImportObserver observer);

    /// <summary>Ends a subscription.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IImportObserver observer);
}

/// <summary>A watcher of imports: one per web node, relaying to SignalR clients.</summary>
[Alias("mg.IImportObserver")]
public interface IImportObserver : IGrainObserver
{
    /// <summary>An import's progress changed.</summary>
    [OneWay, Alias("OnProgress")]
    Task OnProgressAsync(ImportJob progress);
}
