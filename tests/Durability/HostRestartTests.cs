namespace MonitorGrid.Tests.Durability;

[Collection(PostgresCollection.Name)]
public sealed class HostRestartTests(PostgresServer postgres)
{
    [Fact]
    public async Task After_a_whole_host_restart_every_tier_count_alert_observation_and_idempotency_key_is_still_there()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var city = new DurableCity("rs", districts: 2, schoolsPerDistrict: 2, classesPerSchool: 1, studentsPerClass: 3)
            .WithStaff("rs-dc1", "DistrictCenter", "district:rs-d1")
            .WithStaff("rs-dc2", "DistrictCenter", "district:rs-d2")
            .WithStaff("rs-ht", "HeadTeacher", "class:rs-d1-h1-c1");
        string A(int s) => $"rs-d1-h1-c1-s{s}";
        string B(int s) => $"rs-d1-h2-c1-s{s}";
        string C(int s) => $"rs-d2-h1-c1-s{s}";

        var host = await DurableGridHost.StartAsync(connectionString);
        try
        {
            await city.CreateAsync(host);
            using var admin = await host.AdminClientAsync();
            using var dc1 = await host.ClientForAsync("rs-dc1", DurableCity.StaffPassword);
            using var dc2 = await host.ClientForAsync("rs-dc2", DurableCity.StaffPassword);
            using var ht = await host.ClientForAsync("rs-ht", DurableCity.StaffPassword);
            var keyed = new List<(string User, HttpClient Client, object Request, string FirstBody)>();
            var observationIds = new Dictionary<string, List<string>>(StringComparer.Ordinal);

            async Task<JsonElement> Observe(string user, HttpClient client, string student, string category, int severity, string? key = null)
            {
                var request = new { studentId = student, category, severity, idempotencyKey = key };
                var response = await client.PostAsJsonAsync("/api/observations", request);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.Created, $"{student}: {(int)response.StatusCode} {body}");
                var receipt = JsonDocument.Parse(body).RootElement.Clone();
                observationIds.TryAdd(student, []);
                observationIds[student].Add(DurableCity.Text(receipt, "observationId"));
                if (key is not null)
                {
                    keyed.Add((user, client, request, body));
                }

                return receipt;
            }

            // Yellow (3 points), keyed.
            Assert.Equal("Yellow", DurableCity.Text(await Observe("rs-ht", ht, A(1), "Withdrawal", 2, "k-yellow"), "tier"));

            // Orange: 6 + 1 points from two observers, ×1.5.
            await Observe("rs-ht", ht, A(2), "Mood", 3);
            Assert.Equal("Orange", DurableCity.Text(await Observe("rs-dc1", dc1, A(2), "Anxiety", 1, "k-orange"), "tier"));

            // Red, then acknowledged.
            var acknowledgedAlert = DurableCity.Text(await Observe("rs-ht", ht, A(3), "SelfHarm", 1), "alertId");
            Assert.Equal(HttpStatusCode.OK, (await ht.PostAsync($"/api/alerts/{acknowledgedAlert}/acknowledge", null)).StatusCode);

            // Red, resolved (Green again), then a mild observation in the new episode.
            var resolvedAlert = DurableCity.Text(await Observe("rs-dc1", dc1, B(1), "SelfHarm", 2), "alertId");
            Assert.Equal(HttpStatusCode.OK,
                (await dc1.PostAsJsonAsync($"/api/alerts/{resolvedAlert}/resolve", new { note = "已谈话" })).StatusCode);
            Assert.Equal("Green", DurableCity.Text(await Observe("rs-dc1", dc1, B(1), "Mood", 1, "k-after-resolve"), "tier"));

            // Yellow → Orange → Red in place, the last keyed.
            await Observe(DurableGridHost.AdminId, admin, B(2), "Behavior", 3);
            await Observe("rs-dc1", dc1, B(2), "Family", 2);
            Assert.Equal("Red", DurableCity.Text(await Observe(DurableGridHost.AdminId, admin, B(2), "Academic", 3, "k-red"), "tier"));

            // Green with one observation; Red from another observer; the same key string from two users.
            Assert.Equal("Green", DurableCity.Text(await Observe("rs-dc2", dc2, C(1), "SleepAppetite", 1, "k-shared"), "tier"));
            Assert.Equal("Red", DurableCity.Text(await Observe(DurableGridHost.AdminId, admin, C(2), "SelfHarm", 3, "k-shared"), "tier"));

            // A Red student moves to a class of another school, with their tier and open alert.
            var moved = await admin.PutAsJsonAsync("/api/roster", new
            {
                students = new[] { new { id = C(2), classId = "rs-d2-h2-c1", name = $"学生 {C(2)}", gender = "F" } },
            });
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
            city.Lineage[C(2)] = ("rs-d2-h2-c1", "rs-d2-h2", "rs-d2");

            // A school and class added by a later roster, with no students yet: the drill-down lists them.
            var later = await admin.PutAsJsonAsync("/api/roster", new
            {
                schools = new[] { new { id = "rs-d2-h3", districtId = "rs-d2", name = "rs-d2-h3 中学" } },
                classes = new[] { new { id = "rs-d2-h3-c1", schoolId = "rs-d2-h3", grade = 7, name = "rs-d2-h3-c1 班" } },
            });
            Assert.Equal(HttpStatusCode.OK, later.StatusCode);

            var before = await CaptureAsync(host, city);
            var adminToken = await host.TokenForAsync(DurableGridHost.AdminId, DurableGridHost.AdminPassword);
            var events = await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM grid_student_events");

            host = await host.RestartAsync();

            // A token issued before the restart is still good.
            using (var old = host.ClientWithToken(adminToken))
            {
                Assert.Equal(HttpStatusCode.OK, (await old.GetAsync("/api/scopes/city")).StatusCode);
            }

            var after = await CaptureAsync(host, city);
            DurableCity.AssertSame(before.Read, after.Read);
            foreach (var (scope, snapshot) in before.Watched)
            {
                Assert.Equal(snapshot, after.Watched[scope]);
            }

            // What the UI reads from its own tables (the roster tree, the observer index) is there too.
            foreach (var (read, answer) in before.Ui)
            {
                Assert.Equal((read, answer), (read, after.Ui[read]));
            }

            Assert.Equal(
                ["school:rs-d2-h1", "school:rs-d2-h2", "school:rs-d2-h3"],
                JsonDocument.Parse(after.Ui["admin /api/scopes/district:rs-d2/children"]).RootElement.EnumerateArray().Select(c => DurableCity.Text(c, "scope")));
            var emptyClass = Assert.Single(JsonDocument.Parse(after.Ui["admin /api/scopes/school:rs-d2-h3/children"]).RootElement.EnumerateArray());
            Assert.Equal(TierCounts.Zero, emptyClass.GetProperty("counts").Deserialize<TierCounts>(DurableCity.Wire));
            Assert.Equal(
                [A(3), A(2), A(1)],
                JsonDocument.Parse(after.Ui["rs-ht /api/observations/mine"]).RootElement.EnumerateArray().Select(o => DurableCity.Text(o, "studentId")));

            // What it all should be, spelled out.
            var cityStatus = JsonDocument.Parse(after.Read.Statuses["city"]).RootElement;
            Assert.Equal(new TierCounts(7, 1, 1, 3), cityStatus.GetProperty("counts").Deserialize<TierCounts>(DurableCity.Wire));
            var expectedTiers = new Dictionary<string, string>
            {
                [A(1)] = "Yellow", [A(2)] = "Orange", [A(3)] = "Red", [B(1)] = "Green", [B(2)] = "Red", [B(3)] = "Green",
                [C(1)] = "Green", [C(2)] = "Red", [C(3)] = "Green",
            };
            foreach (var (student, tier) in expectedTiers)
            {
                var archive = JsonDocument.Parse(after.Read.Archives[student]).RootElement;
                Assert.Equal(tier, DurableCity.Text(archive, "tier"));
                Assert.Equal(
                    (observationIds.GetValueOrDefault(student) ?? []).Order(StringComparer.Ordinal),
                    archive.GetProperty("observations").EnumerateArray().Select(o => DurableCity.Text(o, "observationId")).Order(StringComparer.Ordinal));
            }

            Assert.Equal(new TierCounts(2, 0, 0, 0),
                JsonDocument.Parse(after.Read.Statuses["class:rs-d2-h1-c1"]).RootElement.GetProperty("counts").Deserialize<TierCounts>(DurableCity.Wire));
            Assert.Equal(new TierCounts(3, 0, 0, 1),
                JsonDocument.Parse(after.Read.Statuses["class:rs-d2-h2-c1"]).RootElement.GetProperty("counts").Deserialize<TierCounts>(DurableCity.Wire));
            Assert.Equal("rs-d2-h2-c1", DurableCity.Text(
                JsonDocument.Parse(after.Read.Statuses["class:rs-d2-h2-c1"]).RootElement.GetProperty("openAlerts")[0], "classId"));

            var alertStates = after.Read.Archives.Values
                .SelectMany(a => JsonDocument.Parse(a).RootElement.GetProperty("alerts").EnumerateArray())
                .ToDictionary(a => DurableCity.Text(a, "alertId"), a => (DurableCity.Text(a, "tier"), DurableCity.Text(a, "state")));
            Assert.Equal(("Red", "Acknowledged"), alertStates[acknowledgedAlert]);
            Assert.Equal(("Red", "Resolved"), alertStates[resolvedAlert]);
            var districtAlerts = JsonDocument.Parse(after.Read.Statuses["district:rs-d1"]).RootElement.GetProperty("openAlerts");
            Assert.Equal(
                [("Red", "Acknowledged", A(3)), ("Red", "Open", B(2)), ("Orange", "Open", A(2))],
                districtAlerts.EnumerateArray().Select(a => (DurableCity.Text(a, "tier"), DurableCity.Text(a, "state"), DurableCity.Text(a, "studentId"))));

            // Every idempotency key answers with the first body, and adds nothing.
            foreach (var (user, _, request, firstBody) in keyed)
            {
                using var client = await host.ClientForAsync(user, user == DurableGridHost.AdminId ? DurableGridHost.AdminPassword : DurableCity.StaffPassword);
                var replay = await client.PostAsJsonAsync("/api/observations", request);
                Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
                Assert.Equal(
                    JsonDocument.Parse(firstBody).RootElement.GetRawText(),
                    JsonDocument.Parse(await replay.Content.ReadAsStringAsync()).RootElement.GetRawText());
            }

            Assert.Equal(events, await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM grid_student_events"));
            DurableCity.AssertSame(before.Read, (await CaptureAsync(host, city)).Read);

            // The resolved episode stays closed: the earlier self-harm sign no longer counts.
            using var dc1Again = await host.ClientForAsync("rs-dc1", DurableCity.StaffPassword);
            Assert.Equal("Yellow", DurableCity.Text(await DurableCity.ObserveAsync(dc1Again, B(1), "Mood", 2), "tier"));
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task After_a_restart_every_scope_s_updatedAt_still_tells_when_something_below_it_last_changed_not_when_the_host_started()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var city = new DurableCity("ru", districts: 1, schoolsPerDistrict: 1, classesPerSchool: 1, studentsPerClass: 2);
        var host = await DurableGridHost.StartAsync(connectionString);
        try
        {
            await city.CreateAsync(host);
            using (var admin = await host.AdminClientAsync())
            {
                await DurableCity.ObserveAsync(admin, "ru-d1-h1-c1-s1", "SelfHarm", 1);
            }

            var scopes = city.AggregateScopes.Append("student:ru-d1-h1-c1-s1").ToList();
            var before = await UpdatedAtAsync(host, scopes);
            await Task.Delay(TimeSpan.FromSeconds(1));
            var restarting = DateTimeOffset.UtcNow;
            host = await host.RestartAsync();

            var after = await UpdatedAtAsync(host, scopes);
            var moved = scopes.Where(s => after[s] >= restarting).Select(s => $"{s}: {before[s]:O} before, {after[s]:O} after").ToList();
            Assert.True(moved.Count == 0,
                $"updatedAt moved to the restart ({restarting:O}) although nothing changed: " + string.Join("; ", moved));
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static async Task<Dictionary<string, DateTimeOffset>> UpdatedAtAsync(DurableGridHost host, IEnumerable<string> scopes)
    {
        using var admin = await host.AdminClientAsync();
        var updatedAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var scope in scopes)
        {
            updatedAt[scope] = (await DurableCity.GetJsonAsync(admin, $"/api/scopes/{scope}")).GetProperty("updatedAt").GetDateTimeOffset();
        }

        return updatedAt;
    }

    /// <summary>
    /// Every scope's status and every student's archive (see <see cref="DurableCity.CaptureAsync"/>), what a
    /// board's <c>Watch</c> returns for every aggregate scope (without <c>updatedAt</c>), as admin, and the UI's
    /// reads: the children of every aggregate scope and of the school added later, and each staff member's
    /// own submissions and student picker, keyed by "user path".
    /// </summary>
    private static async Task<(Captured Read, Dictionary<string, string> Watched, Dictionary<string, string> Ui)> CaptureAsync(
        DurableGridHost host, DurableCity city)
    {
        var ui = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var admin = await host.AdminClientAsync())
        {
            foreach (var scope in city.AggregateScopes.Append("school:rs-d2-h3"))
            {
                var path = $"/api/scopes/{scope}/children";
                ui[$"admin {path}"] = (await DurableCity.GetJsonAsync(admin, path)).GetRawText();
            }
        }

        foreach (var (user, _, _) in city.Staff)
        {
            using var client = await host.ClientForAsync(user, DurableCity.StaffPassword);
            foreach (var path in (string[])["/api/observations/mine", "/api/observations/students?limit=200"])
            {
                ui[$"{user} {path}"] = (await DurableCity.GetJsonAsync(client, path)).GetRawText();
            }
        }

        var read = await DurableCity.CaptureAsync(
            host, city.AggregateScopes.Concat(city.Students.Select(s => $"student:{s}")), city.Students);
        var watched = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var board = await host.BoardForAsync(DurableGridHost.AdminId, DurableGridHost.AdminPassword);
        foreach (var scope in city.AggregateScopes)
        {
            var snapshot = await board.WatchAsync(scope);
            watched[scope] = JsonSerializer.Serialize(snapshot with { UpdatedAt = default }, DurableCity.Wire);
        }

        return (read, watched, ui);
    }
}
