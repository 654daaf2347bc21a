using Npgsql;

namespace MonitorGrid.Tests.Durability;

[Collection(PostgresCollection.Name)]
public sealed class AuditTrailTests(PostgresServer postgres)
{
    private const string AuditColumns = "SELECT user_id, role, action, target, client_address, at FROM grid_audit";

    [Fact]
    public async Task A_successful_archive_read_writes_an_audit_row_with_user_role_action_target_and_client_address_and_a_refused_one_does_not()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var city = new DurableCity("au", districts: 1, schoolsPerDistrict: 1, classesPerSchool: 1, studentsPerClass: 2)
            .WithStaff("au-ht", "HeadTeacher", "class:au-d1-h1-c1")
            .WithStaff("au-cm", "CommitteeMember", "class:au-d1-h1-c1");
        await using var host = await DurableGridHost.StartAsync(connectionString);
        await city.CreateAsync(host);
        const string student = "au-d1-h1-c1-s1";
        using var headTeacher = await host.ClientForAsync("au-ht", DurableCity.StaffPassword);
        using var committee = await host.ClientForAsync("au-cm", DurableCity.StaffPassword);

        var started = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await headTeacher.GetAsync($"/api/students/{student}")).StatusCode);
        var finished = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.Forbidden, (await committee.GetAsync($"/api/students/{student}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await headTeacher.GetAsync("/api/students/au-nobody")).StatusCode);

        // The entry is committed before the read is answered.
        var reads = await Sql.RowsAsync(connectionString, AuditColumns + " WHERE action = 'ReadArchive'");
        var row = Assert.Single(reads);
        Assert.Equal(("au-ht", "HeadTeacher", "ReadArchive", $"student:{student}"), ((string)row[0]!, (string)row[1]!, (string)row[2]!, (string)row[3]!));
        Assert.True(IPAddress.TryParse((string?)row[4], out var address) && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address),
            $"client_address is '{row[4]}', not the test's loopback address.");
        var at = ToOffset(row[5]!);
        Assert.InRange(at, started.AddSeconds(-1), finished.AddSeconds(1));
    }

    [Fact]
    public async Task Acknowledging_resolving_and_roster_changes_are_audited_with_who_and_what()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var city = new DurableCity("aa", districts: 1, schoolsPerDistrict: 1, classesPerSchool: 1, studentsPerClass: 2)
            .WithStaff("aa-ht", "HeadTeacher", "class:aa-d1-h1-c1")
            .WithStaff("aa-psy", "PsychTeacher", "school:aa-d1-h1");
        await using var host = await DurableGridHost.StartAsync(connectionString);
        await city.CreateAsync(host);
        using var headTeacher = await host.ClientForAsync("aa-ht", DurableCity.StaffPassword);
        using var psych = await host.ClientForAsync("aa-psy", DurableCity.StaffPassword);

        var alertId = DurableCity.Text(await DurableCity.ObserveAsync(headTeacher, "aa-d1-h1-c1-s1", "SelfHarm", 1), "alertId");
        Assert.Equal(HttpStatusCode.OK, (await headTeacher.PostAsync($"/api/alerts/{alertId}/acknowledge", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await psych.PostAsJsonAsync($"/api/alerts/{alertId}/resolve", new { note = "已处理" })).StatusCode);

        var rows = (await Sql.RowsAsync(connectionString, AuditColumns + " ORDER BY id"))
            .Select(r => ((string)r[0]!, (string)r[1]!, (string)r[2]!, (string)r[3]!, (string?)r[4]))
            .ToList();
        var roster = Assert.Single(rows, r => r.Item3 == "UpsertRoster");
        Assert.Equal((DurableGridHost.AdminId, "Admin"), (roster.Item1, roster.Item2));
        Assert.Contains("students=2", roster.Item4, StringComparison.Ordinal);
        Assert.Contains(("aa-ht", "HeadTeacher", "AcknowledgeAlert", $"alert:{alertId}"), rows.Select(r => (r.Item1, r.Item2, r.Item3, r.Item4)));
        Assert.Contains(("aa-psy", "PsychTeacher", "ResolveAlert", $"alert:{alertId}"), rows.Select(r => (r.Item1, r.Item2, r.Item3, r.Item4)));
        Assert.All(rows, r => Assert.False(string.IsNullOrEmpty(r.Item5), $"{r.Item3} has no client address"));
    }

    [Fact]
    public async Task Update_delete_and_truncate_of_the_audit_trail_and_the_journal_fail_through_the_application_connection_string()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var city = new DurableCity("ao", districts: 1, schoolsPerDistrict: 1, classesPerSchool: 1, studentsPerClass: 1);
        await using var host = await DurableGridHost.StartAsync(connectionString);
        await city.CreateAsync(host);
        using var admin = await host.AdminClientAsync();
        await DurableCity.ObserveAsync(admin, "ao-d1-h1-c1-s1", "Mood", 2);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/students/ao-d1-h1-c1-s1")).StatusCode);
        const string snapshot = "SELECT (SELECT string_agg(t::text, '|' ORDER BY id) FROM grid_audit t) || '#' || " +
            "(SELECT string_agg(e::text, '|' ORDER BY student_id, version) FROM grid_student_events e)";
        var before = await Sql.ScalarAsync<string>(host.ConnectionString, snapshot);

        string[] statements =
        [
            "UPDATE grid_audit SET user_id = 'someone-else'",
            "UPDATE grid_audit SET target = 'student:x' WHERE action = 'ReadArchive'",
            "DELETE FROM grid_audit",
            "DELETE FROM grid_audit WHERE action = 'ReadArchive'",
            "TRUNCATE grid_audit",
            "UPDATE grid_student_events SET tier_after = 0",
            "DELETE FROM grid_student_events",
            "TRUNCATE grid_student_events",
        ];
        var accepted = new List<string>();
        foreach (var statement in statements)
        {
            try
            {
                var affected = await Sql.ExecuteAsync(host.ConnectionString, statement);
                accepted.Add($"{statement} (accepted, {affected} rows)");
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
            }
        }

        Assert.True(accepted.Count == 0, "Accepted: " + string.Join("; ", accepted));
        Assert.Equal(before, await Sql.ScalarAsync<string>(host.ConnectionString, snapshot));
    }

    private static DateTimeOffset ToOffset(object value) => value switch
    {
        DateTimeOffset offset => offset,
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        _ => throw new InvalidOperationException($"Not a time: {value}"),
    };
}
