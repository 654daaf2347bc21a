using Microsoft.Extensions.DependencyInjection;
using MonitorGrid.Web.Demo;

namespace MonitorGrid.Tests.Infrastructure;

/// <summary>A web host of its own on the test's clock: in memory (with the demo city's admin) or on a new PostgreSQL database.</summary>
internal sealed class ClockedHost : IAsyncDisposable
{
    private readonly GridWebFactory? _memory;
    private readonly DurableGridHost? _durable;

    private ClockedHost(GridWebFactory? memory, DurableGridHost? durable) => (_memory, _durable) = (memory, durable);

    public static async Task<ClockedHost> StartAsync(string store, PostgresServer postgres, TimeProvider time)
    {
        if (store == "postgres")
        {
            return new ClockedHost(null, await DurableGridHost.StartAsync(await postgres.CreateDatabaseAsync(), time: time));
        }

        var memory = new GridWebFactory(time);
        try
        {
            await memory.InitializeAsync();
            return new ClockedHost(memory, null);
        }
        catch
        {
            await memory.DisposeAsync();
            throw;
        }
    }

    /// <summary>The host's grains, to do what a reminder would at an instant the test chooses.</summary>
    public IGrainFactory Grains => (_durable?.Services ?? _memory!.Services).GetRequiredService<IGrainFactory>();

    /// <summary>A started SignalR connection signed in as <paramref name="userId"/>.</summary>
    public Task<BoardClient> BoardForAsync(string userId) =>
        _durable?.BoardForAsync(userId, RosterBuilder.StaffPassword) ?? _memory!.BoardForAsync(userId, RosterBuilder.StaffPassword);

    /// <summary>The same store again after a restart (PostgreSQL only: memory forgets).</summary>
    public async Task<ClockedHost> RestartAsync() =>
        new(null, await (_durable ?? throw new InvalidOperationException("An in-memory host cannot restart.")).RestartAsync());

    public Task<HttpClient> AdminAsync() =>
        _durable?.AdminClientAsync() ?? _memory!.ClientForAsync("admin", DemoCity.Password);

    public Task<HttpClient> ClientForAsync(string userId) =>
        _durable?.ClientForAsync(userId, RosterBuilder.StaffPassword) ?? _memory!.ClientForAsync(userId, RosterBuilder.StaffPassword);

    public async ValueTask DisposeAsync()
    {
        if (_durable is not null)
        {
            await _durable.DisposeAsync();
        }

        if (_memory is not null)
        {
            await _memory.DisposeAsync();
        }
    }
}
