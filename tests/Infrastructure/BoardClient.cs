using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace MonitorGrid.Tests.Infrastructure;

/// <summary>A live board as a test sees it: a real SignalR connection recording every message.</summary>
public sealed class BoardClient : IAsyncDisposable
{
    private readonly ConcurrentQueue<(DateTimeOffset At, ScopeStatus Status)> _statuses = new();
    private readonly ConcurrentQueue<(DateTimeOffset At, AlertEvent Alert)> _alerts = new();
    private readonly ConcurrentQueue<EscalationEvent> _escalations = new();
    private readonly ConcurrentQueue<CaseEvent> _cases = new();
    private readonly ConcurrentQueue<ImportJob> _imports = new();
    private readonly SemaphoreSlim _signal = new(0);

    public BoardClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<ScopeStatus>("status", s =>
        {
            _statuses.Enqueue((DateTimeOffset.UtcNow, s));
            _signal.Release();
        });
        connection.On<AlertEvent>("alert", a =>
        {
            _alerts.Enqueue((DateTimeOffset.UtcNow, a));
            _signal.Release();
        });
        connection.On<EscalationEvent>("escalation", e =>
        {
            _escalations.Enqueue(e);
            _signal.Release();
        });
        connection.On<CaseEvent>("case", c =>
        {
            _cases.Enqueue(c);
            _signal.Release();
        });
        connection.On<ImportJob>("import", j =>
        {
            _imports.Enqueue(j);
            _signal.Release();
        });
    }

    public HubConnection Connection { get; }

    public IReadOnlyList<AlertEvent> Alerts => [.. _alerts.Select(a => a.Alert)];

    /// <summary>Every <c>escalation</c> message, in arrival order.</summary>
    public IReadOnlyList<EscalationEvent> Escalations => [.. _escalations];

    /// <summary>Every <c>case</c> message, in arrival order.</summary>
    public IReadOnlyList<CaseEvent> Cases => [.. _cases];

    /// <summary>Import progress messages, in the order received.</summary>
    public IReadOnlyList<ImportJob> Imports => [.. _imports];

    public IReadOnlyList<(DateTimeOffset At, AlertEvent Alert)> TimedAlerts => [.. _alerts];

    public IReadOnlyList<ScopeStatus> Statuses => [.. _statuses.Select(s => s.Status)];

    public IReadOnlyList<(DateTimeOffset At, ScopeStatus Status)> TimedStatuses => [.. _statuses];

    public Task<ScopeStatus> WatchAsync(string scope) => Connection.InvokeAsync<ScopeStatus>("Watch", scope);

    public Task UnwatchAsync(string scope) => Connection.InvokeAsync("Unwatch", scope);

    /// <summary>How many times <see cref="ResyncAsync"/> ran (the screens resync after every reconnect).</summary>
    public int Resyncs { get; private set; }

    /// <summary>
    /// What a screen does after a reconnect (web/client/src/hub.js): watch every scope again and take each snapshot
    /// as the scope's latest status (recorded among <see cref="Statuses"/>), so nothing missed while away stays
    /// missing. A watch the cluster cannot answer yet (a node just died; not a refusal) is tried again every
    /// <paramref name="retryEvery"/> while connected, as the UI does.
    /// </summary>
    public async Task ResyncAsync(IEnumerable<string> scopes, TimeSpan? retryEvery = null)
    {
        foreach (var scope in scopes)
        {
            while (true)
            {
                try
                {
                    _statuses.Enqueue((DateTimeOffset.UtcNow, await WatchAsync(scope)));
                    break;
                }
                catch (HubException ex) when (retryEvery is { } delay && !ex.Message.Contains("HubException:", StringComparison.Ordinal)
                    && Connection.State == HubConnectionState.Connected)
                {
                    WatchRetries++;
                    await Task.Delay(delay);
                }
            }
        }

        Resyncs++;
        _signal.Release();
    }

    /// <summary>How many watches <see cref="ResyncAsync"/> had to try again.</summary>
    public int WatchRetries { get; private set; }

    /// <summary>The latest status received for <paramref name="scope"/> (a message or a resync's snapshot), or null.</summary>
    public ScopeStatus? Latest(string scope) => _statuses.LastOrDefault(s => s.Status.Scope == scope).Status;

    /// <summary>Waits until <paramref name="condition"/> holds over what was received, or fails after the timeout.</summary>
    public async Task WaitUntilAsync(Func<BoardClient, bool> condition, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition(this))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The board did not receive {what ?? "the expected messages"} in time.");
            }

            await _signal.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Lets messages still in flight arrive, for checks that something was not sent.</summary>
    public static Task SettleAsync() => Task.Delay(TimeSpan.FromMilliseconds(600));

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
