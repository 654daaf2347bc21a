using Npgsql;

namespace MonitorGrid.Tests.Durability;

/// <summary>
/// The backup and restore of docs/operations.md, done as it says: <c>pg_dump --format=custom</c> while the grid runs,
/// <c>pg_restore</c> into an empty database, the restored membership rows cleared, a node started on it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BackupRestoreTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_grid_started_on_a_restored_dump_serves_every_status_archive_and_idempotency_key_the_dump_held()
    {
        var source = await postgres.CreateDatabaseAsync();
        var city = new DurableCity("bk", districts: 1, schoolsPerDistrict: 2, classesPerSchool: 1, studentsPerClass: 3);
        var dump = Path.Combine(Path.GetTempPath(), $"monitorgrid-{Guid.NewGuid():N}.dump");
        Captured before;
        string observationId;
        string token;
        await using (var host = await DurableGridHost.StartAsync(source))
        {
            await city.CreateAsync(host);
            using var admin = await host.AdminClientAsync();
            observationId = DurableCity.Text(await DurableCity.ObserveAsync(admin, city.Students[0], "SelfHarm", 1, key: "before-backup"), "observationId");
            await DurableCity.ObserveAsync(admin, city.Students[4], "Withdrawal", 3);
            token = await host.TokenForAsync(DurableGridHost.AdminId, DurableGridHost.AdminPassword);

            // Taken while the grid runs: pg_dump reads one consistent snapshot of the database.
            await postgres.DumpAsync(DatabaseOf(source), dump);
            before = await DurableCity.CaptureAsync(host, city.AggregateScopes, city.Students);
        }

        try
        {
            var restored = await postgres.CreateDatabaseAsync();
            await postgres.RestoreAsync(DatabaseOf(restored), dump);

            // The restored membership rows describe nodes that no longer exist; the new ones write their own.
            await Sql.ExecuteAsync(restored, "DELETE FROM OrleansMembershipVersionTable");
            await using var host = await DurableGridHost.StartAsync(restored);

            DurableCity.AssertSame(before, await DurableCity.CaptureAsync(host, city.AggregateScopes, city.Students));
            using var admin = host.ClientWithToken(token);
            var again = await admin.PostAsJsonAsync(
                "/api/observations", new { studentId = city.Students[0], category = "SelfHarm", severity = 1, idempotencyKey = "before-backup" });
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(observationId, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("observationId").GetString());
        }
        finally
        {
            File.Delete(dump);
        }
    }

    private static string DatabaseOf(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Database!;
}
