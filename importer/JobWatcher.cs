using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace MonitorGrid.Importer;

/// <summary>
/// Follows the job live over the hub (<c>WatchImport</c>, then <c>import</c> messages); when the hub cannot be
/// reached or drops, asks <c>GET /api/imports/{id}</c> every second instead.
/// </summary>
internal sealed class JobWatcher : IAsyncDisposable
{
    // A hub that does not answer by then is not going to help: polling shows progress from the first second.
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);

    private readonly GridApi _api;
    private readonly JobTracker _tracker;
    private readonly ProgressDisplay _display;
    private readonly string _importId;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private HubConnection? _hub;
    private Task? _polling;
    private volatile bool _leavingHub;

    private JobWatcher(GridApi api, JobTracker tracker, ProgressDisplay display, string importId) =>
        (_api, _tracker, _display, _importId) = (api, tracker, display, importId);

    public static async Task<JobWatcher> StartAsync(
        Uri baseAddress, string accessToken, string importId, GridApi api, JobTracker tracker, ProgressDisplay display, CancellationToken cancellationToken)
    {
        var watcher = new JobWatcher(api, tracker, display, importId);
        try
        {
            await watcher.ConnectAsync(baseAddress, accessToken, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            display.WriteLine($"实时进度连接不可用（{e.Message}），改为每秒查询一次。");
            await watcher.DisposeHubAsync();
            watcher.EnsurePolling();
        }

        return watcher;
    }

    /// <summary>Starts polling unless it runs already (also when the upload broke and the hub may be silent).</summary>
    public void EnsurePolling()
    {
        lock (_gate)
        {
            if (_polling is null && !_stop.IsCancellationRequested)
            {
                _polling = PollAsync(_stop.Token);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task? polling;
        lock (_gate)
        {
            polling = _polling;
        }

        if (polling is not null)
        {
            await polling;
        }

        await DisposeHubAsync();
        _stop.Dispose();
    }

    private async Task ConnectAsync(Uri baseAddress, string accessToken, CancellationToken cancellationToken)
    {
        // The token goes in the query string as the contract says the hub takes it (?access_token=), the way
        // every client can send it over a WebSocket.
        var url = new Uri(baseAddress, "hubs/grid?access_token=" + Uri.EscapeDataString(accessToken));
        _hub = new HubConnectionBuilder()
            .WithUrl(url, options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .AddJsonProtocol(options => ImporterJson.Configure(options.PayloadSerializerOptions))
            .Build();
        _hub.On<ImportJob>("import", _tracker.Update);
        _hub.Closed += error =>
        {
            // Closed by the server or the network while the job still runs: keep the progress moving by polling.
            if (!_leavingHub && !_stop.IsCancellationRequested && !_tracker.Finished.IsCompleted)
            {
                _display.WriteLine($"实时进度连接已断开（{error?.Message ?? "closed"}），改为每秒查询一次。");
                EnsurePolling();
            }

            return Task.CompletedTask;
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        await _hub.StartAsync(timeout.Token);
        _tracker.Update(await _hub.InvokeAsync<ImportJob>("WatchImport", _importId, timeout.Token));
    }

    private async Task DisposeHubAsync()
    {
        if (_hub is { } hub)
        {
            _leavingHub = true;
            _hub = null;
            await hub.DisposeAsync();
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PollEvery);
        var warned = false;
        try
        {
            do
            {
                try
                {
                    _tracker.Update(await _api.GetAsync(_importId, cancellationToken));
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Whatever went wrong (no answer, an error, an answer not understood), the next second may well
                    // answer, and the upload's own answer still brings the final state: one warning is enough.
                    if (!warned)
                    {
                        _display.WriteLine($"查询进度失败（{e.Message}），继续重试。");
                        warned = true;
                    }
                }
            }
            while (!_tracker.Finished.IsCompleted && await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: the job is final or the importer is leaving.
        }
    }
}
