using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using MonitorGrid.Tests.Imports;
using MonitorGrid.Web.Imports;

namespace MonitorGrid.Tests.Durability;

/// <summary>
/// An import whose reader went away with its node (the node was killed mid-file) is marked failed once nothing
/// has saved its progress for <c>Grid:Imports:AbandonedAfter</c>, and its watchers are told; an import whose
/// reader keeps saving is left running, however slowly its file arrives.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AbandonedImportTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_running_import_nobody_saves_any_more_ends_failed_and_its_watchers_hear_it_while_a_live_one_keeps_running()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var host = await DurableGridHost.StartAsync(connectionString, settings: new Dictionary<string, string>
        {
            ["Grid:Imports:AbandonedAfter"] = "00:00:03",
            ["Grid:Imports:AbandonedCheckEvery"] = "00:00:01",
        });
        using var admin = await host.AdminClientAsync();
        var store = host.Services.GetRequiredService<IImportStore>();
        var orphan = await RunningAsync(admin, store);
        var live = await RunningAsync(admin, store);
        await using var board = await host.BoardForAsync(DurableGridHost.AdminId, DurableGridHost.AdminPassword);
        await board.Connection.InvokeAsync<ImportJob>("WatchImport", orphan.ImportId);

        // The live one's reader saves every second, as a reader does every Grid:Imports:SaveEvery.
        using var reading = new CancellationTokenSource();
        var saving = Task.Run(async () =>
        {
            for (var rows = 1; !reading.IsCancellationRequested; rows++)
            {
                await store.SaveAsync(live with { RowsRead = rows });
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        });

        await board.WaitUntilAsync(
            b => b.Imports.Any(j => j.ImportId == orphan.ImportId && j.State == ImportState.Failed), TimeSpan.FromSeconds(20), "the abandoned import's end");
        var ended = await GetAsync(admin, orphan.ImportId);
        Assert.Equal((ImportState.Failed, AbandonedImportReaper.Message), (ended.State, ended.Message));
        Assert.NotNull(ended.FinishedAt);
        Assert.Equal(10, ended.RowsRead);

        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal(ImportState.Running, (await GetAsync(admin, live.ImportId)).State);

        // Once its reader stops saving too, it is ended as well.
        await reading.CancelAsync();
        await saving;
        await Eventually.HoldsAsync(
            async () => (await GetAsync(admin, live.ImportId)).State == ImportState.Failed, "the second import's end", TimeSpan.FromSeconds(20));
    }

    /// <summary>An import created over HTTP whose file has begun to arrive: what a reader does first.</summary>
    private static async Task<ImportJob> RunningAsync(HttpClient admin, IImportStore store)
    {
        var created = (await admin.CreateImportAsync("Screening")).Deserialize<ImportJob>(DurableCity.Wire)!;
        var running = created with { State = ImportState.Running, StartedAt = DateTimeOffset.UtcNow, RowsRead = 10 };
        Assert.True(await store.TryLeaveWaitingAsync(running));
        return running;
    }

    private static async Task<ImportJob> GetAsync(HttpClient admin, string importId) =>
        (await DurableCity.GetJsonAsync(admin, $"/api/imports/{importId}")).Deserialize<ImportJob>(DurableCity.Wire)!;
}
