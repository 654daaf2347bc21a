using Microsoft.Extensions.DependencyInjection;

namespace MonitorGrid.Tests.Persistence;

[Collection(PostgresCollection.Name)]
public sealed class ReminderTableTests(PostgresServer postgres)
{
    [Fact]
    public async Task Reminder_rows_are_upserted_read_by_grain_and_by_hash_range_and_deleted_by_etag_on_postgres()
    {
        var connectionString = await PostgresSilos.MigratedDatabaseAsync(postgres);
        using var silo = PostgresSilos.SiloHost(connectionString, "r-" + Guid.NewGuid().ToString("N")[..8], "grid-reminder-tests", "silo-r");
        await silo.StartAsync();
        try
        {
            var table = silo.Services.GetRequiredService<IReminderTable>();
            var grain = GrainId.Create("reminder-test", "s:r-1");
            var other = GrainId.Create("reminder-test", "s:r-2");
            var startAt = new DateTime(2026, 9, 1, 7, 30, 15, 250, DateTimeKind.Utc);

            var etag = await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "daily", StartAt = startAt, Period = TimeSpan.FromDays(1) }) ?? throw new InvalidOperationException("no etag");
            await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "hourly", StartAt = startAt, Period = TimeSpan.FromHours(1) });
            await table.UpsertRow(new ReminderEntry { GrainId = other, ReminderName = "daily", StartAt = startAt, Period = TimeSpan.FromDays(40) });

            var daily = await table.ReadRow(grain, "daily");
            Assert.NotNull(daily);
            Assert.Equal(startAt, daily.StartAt);
            Assert.Equal(DateTimeKind.Utc, daily.StartAt.Kind);
            Assert.Equal(TimeSpan.FromDays(1), daily.Period);
            Assert.Equal(etag, daily.ETag);
            Assert.Null(await table.ReadRow(grain, "missing"));

            Assert.Equal(["daily", "hourly"], (await table.ReadRows(grain)).Reminders.Select(r => r.ReminderName).Order(StringComparer.Ordinal));
            var everything = await table.ReadRows(0, 0);
            Assert.Equal(3, everything.Reminders.Count);
            Assert.Equal(TimeSpan.FromDays(40), everything.Reminders.Single(r => r.GrainId == other).Period);

            var hash = grain.GetUniformHashCode();
            var justThisGrain = await table.ReadRows(unchecked(hash - 1), hash);
            Assert.All(justThisGrain.Reminders, r => Assert.Equal(hash, r.GrainId.GetUniformHashCode()));
            Assert.Equal(2, justThisGrain.Reminders.Count);
            var allButThisGrain = await table.ReadRows(hash, unchecked(hash - 1));
            Assert.DoesNotContain(allButThisGrain.Reminders, r => r.GrainId == grain);

            var moved = startAt.AddHours(2);
            var newEtag = await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "daily", StartAt = moved, Period = TimeSpan.FromDays(2) }) ?? throw new InvalidOperationException("no etag");
            Assert.NotEqual(etag, newEtag);
            Assert.Equal(moved, (await table.ReadRow(grain, "daily"))!.StartAt);

            Assert.False(await table.RemoveRow(grain, "daily", etag));
            Assert.True(await table.RemoveRow(grain, "daily", newEtag));
            Assert.Null(await table.ReadRow(grain, "daily"));

            await table.TestOnlyClearTable();
            Assert.Empty((await table.ReadRows(0, 0)).Reminders);
        }
        finally
        {
            await silo.StopAsync();
        }
    }
}
