using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace MonitorGrid.Bench;

/// <summary>One board: a scope watched by one connection signed in as the role that watches it.</summary>
internal sealed record Board(int Index, string Level, string Scope, string User);

/// <summary>An <c>alert</c> as it reached a board.</summary>
internal sealed record AlertArrival(Board Board, long Timestamp, string Tier, DateTimeOffset RaisedAt);

/// <summary>A city <c>status</c> as it reached a board.</summary>
internal sealed record StatusArrival(Board Board, long Timestamp, DateTimeOffset UpdatedAt);

/// <summary>
/// M dashboard connections through the official SignalR client, each watching one scope, recording
/// when every <c>alert</c> (by student) and every city <c>status</c> arrives.
/// </summary>
internal sealed class Dashboards : IAsyncDisposable
{
    private readonly List<HubConnection> _connections = [];

    public ConcurrentDictionary<string, ConcurrentQueue<AlertArrival>> Alerts { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<StatusArrival> CityStatuses { get; } = new();

    public int Failed { get; private set; }

    /// <summary>Spreads <paramref name="count"/> boards: 5 % city, 15 % district, 30 % school (three per watched school), 50 % class.</summary>
    public static List<Board> Plan(City city, int count)
    {
        var boards = new List<Board>(count);
        var cityBoards = Math.Max(1, count * 5 / 100);
        var districtBoards = Math.Max(1, count * 15 / 100);
        var schoolBoards = Math.Max(1, count * 30 / 100);
        var watchedSchools = WatchedSchools(city, count);
        for (var i = 0; i < cityBoards; i++)
        {
            boards.Add(new Board(boards.Count, "city", "city", "bench-city"));
        }

        for (var i = 0; i < districtBoards; i++)
        {
            var d = i % city.Districts;
            boards.Add(new Board(boards.Count, "district", $"district:bd{d}", City.DistrictCentre(d)));
        }

        for (var i = 0; i < schoolBoards; i++)
        {
            var h = i % watchedSchools;
            boards.Add(new Board(boards.Count, "school", $"school:bh{h}", City.PsychTeacher(h)));
        }

        for (var i = 0; boards.Count < count; i++)
        {
            var c = i % city.Classes;
            boards.Add(new Board(boards.Count, "class", $"class:{City.Class(c)}", City.HeadTeacher(c)));
        }

        return boards;
    }

    /// <summary>The schools with school boards (about three boards each): probes are raised there.</summary>
    public static int WatchedSchools(City city, int count) => Math.Clamp(Math.Max(1, count * 30 / 100) / 3, 1, city.Schools);

    public async Task ConnectAsync(Uri baseAddress, IReadOnlyList<Board> boards, Func<string, Task<string>> tokenFor, Func<string> status)
    {
        var clock = Stopwatch.StartNew();
        var connected = 0;
        Console.WriteLine($"· connecting {boards.Count:N0} dashboards (official SignalR client, WebSockets)");
        var work = Parallel.ForEachAsync(boards, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (board, _) =>
        {
            var token = await tokenFor(board.User);
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(baseAddress, "/hubs/grid"), o =>
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                })
                .WithAutomaticReconnect()
                .Build();
            connection.On<JsonElement>("alert", e =>
            {
                var arrived = Stopwatch.GetTimestamp();
                var queue = Alerts.GetOrAdd(e.GetProperty("studentId").GetString()!, _ => new ConcurrentQueue<AlertArrival>());
                queue.Enqueue(new AlertArrival(board, arrived, e.GetProperty("tier").GetString()!, e.GetProperty("raisedAt").GetDateTimeOffset()));
            });
            if (board.Level == "city")
            {
                connection.On<JsonElement>("status", s =>
                    CityStatuses.Enqueue(new StatusArrival(board, Stopwatch.GetTimestamp(), s.GetProperty("updatedAt").GetDateTimeOffset())));
            }

            try
            {
                await connection.StartAsync();
                await connection.InvokeAsync<JsonElement>("Watch", board.Scope);
                lock (_connections)
                {
                    _connections.Add(connection);
                }

                Interlocked.Increment(ref connected);
            }
            catch (Exception ex)
            {
                lock (_connections)
                {
                    Failed++;
                }

                Console.Error.WriteLine($"  board {board.Scope} failed: {ex.Message}");
                await connection.DisposeAsync();
            }
        });
        await Load.ShowProgressAsync(work, clock, () => Volatile.Read(ref connected), () => Failed, status);
        Console.WriteLine($"  {connected:N0} connected in {clock.Elapsed.TotalSeconds:F1} s, {Failed} failed");
    }

    public async ValueTask DisposeAsync()
    {
        await Parallel.ForEachAsync(_connections, async (c, _) => await c.DisposeAsync());
    }
}
