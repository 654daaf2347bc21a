namespace MonitorGrid.Tests.Durability;

/// <summary>
/// A city's roster is loaded without activating its students: new students go to the status projection
/// in bulk, and counts, observations and moves still come out right.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BulkRegistrationTests(PostgresServer postgres)
{
    [Fact]
    public async Task New_students_are_registered_without_activating_a_grain_or_writing_a_cache_row_and_every_level_counts_them()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var city = new DurableCity("bulk", districts: 2, schoolsPerDistrict: 2, classesPerSchool: 3, studentsPerClass: 40)
            .WithStaff("bulk-ht", "HeadTeacher", "class:bulk-d1-h1-c1");
        await using var host = await DurableGridHost.StartAsync(connectionString);

        await city.CreateAsync(host);

        using var admin = await host.AdminClientAsync();
        var runtime = await DurableCity.GetJsonAsync(admin, "/api/diagnostics/runtime");
        Assert.False(runtime.GetProperty("activations").TryGetProperty("student", out var active) && active.GetInt32() > 0,
            $"registering activated student grains: {runtime.GetProperty("activations")}");
        Assert.Equal(0L, await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM OrleansStorage WHERE GrainTypeString = 'student'"));
        Assert.Equal(480L, await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM grid_student_status WHERE version = 1 AND tier = 0"));
        var total = (await DurableCity.GetJsonAsync(admin, "/api/scopes/city")).GetProperty("counts").GetProperty("Green").GetInt32();
        Assert.Equal(480, total);

        using var teacher = await host.ClientForAsync("bulk-ht", DurableCity.StaffPassword);
        await DurableCity.ObserveAsync(teacher, "bulk-d1-h1-c1-s1", "SelfHarm", 1);
        await city.AssertCountsMatchProjectionAsync(host, connectionString);
    }

    [Fact]
    public async Task Re_putting_a_roster_that_moves_one_student_and_adds_another_counts_both_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var city = new DurableCity("mix", districts: 1, schoolsPerDistrict: 2, classesPerSchool: 1, studentsPerClass: 5)
            .WithStaff("mix-ht", "HeadTeacher", "class:mix-d1-h1-c1");
        await using var host = await DurableGridHost.StartAsync(connectionString);
        await city.CreateAsync(host);
        using var teacher = await host.ClientForAsync("mix-ht", DurableCity.StaffPassword);
        await DurableCity.ObserveAsync(teacher, "mix-d1-h1-c1-s1", "SelfHarm", 1);

        // s1 (Red, active) moves to the other school; a new student joins the first class.
        city.Lineage["mix-d1-h1-c1-s1"] = ("mix-d1-h2-c1", "mix-d1-h2", "mix-d1");
        city.Students.Add("mix-d1-h1-c1-new");
        city.Lineage["mix-d1-h1-c1-new"] = ("mix-d1-h1-c1", "mix-d1-h1", "mix-d1");
        await city.CreateAsync(host);

        using var admin = await host.AdminClientAsync();
        Assert.Equal("{\"Green\":5,\"Yellow\":0,\"Orange\":0,\"Red\":0}",
            (await DurableCity.GetJsonAsync(admin, "/api/scopes/school:mix-d1-h1")).GetProperty("counts").GetRawText());
        Assert.Equal("{\"Green\":5,\"Yellow\":0,\"Orange\":0,\"Red\":1}",
            (await DurableCity.GetJsonAsync(admin, "/api/scopes/school:mix-d1-h2")).GetProperty("counts").GetRawText());
        await city.AssertCountsMatchProjectionAsync(host, connectionString);
    }
}
