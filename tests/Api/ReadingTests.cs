using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using MonitorGrid.Web.Audit;
using static MonitorGrid.Tests.Api.ApiTestSupport;

namespace MonitorGrid.Tests.Api;

/// <summary>
/// Reading scopes and archives, and acting on alerts. Own roster (<c>rd-</c>): district <c>rd-d</c>, school
/// <c>rd-h</c>, classes <c>rd-c1</c> and <c>rd-c2</c>; trees of their own for the alert lists, so that the lists
/// hold only what the test put there.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class Scopes_archives_and_alerts_read_and_act_as_the_contract_says(GridWebFactory web)
{
    private static readonly string[] TierNames = ["Green", "Yellow", "Orange", "Red"];

    public static TheoryData<string, string?, int?> ScopeKinds => new()
    {
        { "city", null, null },
        { "district:rd-d", "读取区", 9 },
        { "school:rd-h", "读取中学", 9 },
        { "class:rd-c1", "七(1)班", 8 },
        { "class:rd-c2", "七(2)班", 1 },
        { "student:rd-s1", "王小明", 1 },
    };

    [Theory]
    [MemberData(nameof(ScopeKinds))]
    public async Task Every_kind_of_scope_answers_the_contracts_shape(string scope, string? name, int? total)
    {
        await EnsureRosterAsync();
        using var reader = scope == "city" ? await web.ClientForAsync("admin") : await web.ClientForAsync("rd-dc", StaffPassword);

        var response = await reader.GetAsync($"/api/scopes/{scope}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = await response.JsonAsync();
        Assert.Equal(scope, status.GetProperty("scope").GetString());
        Assert.False(string.IsNullOrWhiteSpace(status.GetProperty("name").GetString()));
        if (name is not null)
        {
            Assert.Equal(name, status.GetProperty("name").GetString());
        }

        var counts = status.GetProperty("counts");
        Assert.Equal(TierNames.Order(StringComparer.Ordinal), counts.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(counts.EnumerateObject(), p => Assert.True(p.Value.GetInt32() >= 0));
        if (total is not null)
        {
            Assert.Equal(total, counts.EnumerateObject().Sum(p => p.Value.GetInt32()));
        }

        Assert.Equal(JsonValueKind.Array, status.GetProperty("openAlerts").ValueKind);
        AssertUtcInstant(status.GetProperty("updatedAt"));
    }

    [Fact]
    public async Task Open_alerts_come_highest_tier_first_then_oldest_first_and_the_district_shows_only_orange_and_red()
    {
        // Raised in this order: Yellow, Orange (Yellow, then escalated), Red on "z", Red on "a".
        await web.PutRosterAsync(Roster(
            districts: [District("rd-ord-d")],
            schools: [School("rd-ord-h", "rd-ord-d")],
            classes: [Class("rd-ord-c", "rd-ord-h")],
            students: [Student("rd-ord-y", "rd-ord-c"), Student("rd-ord-o", "rd-ord-c"), Student("rd-ord-z", "rd-ord-c"),
                Student("rd-ord-a", "rd-ord-c"), Student("rd-ord-g", "rd-ord-c")],
            staff: [Staff("rd-ord-ht", "HeadTeacher", "class:rd-ord-c")]));
        using var teacher = await web.ClientForAsync("rd-ord-ht", StaffPassword);
        var yellow = await ObserveAsync(teacher, "rd-ord-y", "Withdrawal", 2, "Yellow");
        await Task.Delay(30);
        await ObserveAsync(teacher, "rd-ord-o", "Behavior", 3, "Yellow");
        var orange = await ObserveAsync(teacher, "rd-ord-o", "Behavior", 2, "Orange");
        await Task.Delay(30);
        var redZ = await web.RaiseRedAlertAsync("rd-ord-z");
        await Task.Delay(30);
        var redA = await web.RaiseRedAlertAsync("rd-ord-a");
        using var admin = await web.ClientForAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/alerts/{yellow}/acknowledge", null)).StatusCode);

        foreach (var scope in new[] { "class:rd-ord-c", "school:rd-ord-h" })
        {
            var alerts = (await StatusAsync(scope)).GetProperty("openAlerts");
            Assert.Equal([redZ, redA, orange, yellow], alerts.Strings("alertId"));
            Assert.Equal(["Red", "Red", "Orange", "Yellow"], alerts.Strings("tier"));
            Assert.Equal(["Open", "Open", "Open", "Acknowledged"], alerts.Strings("state"));
            AssertOrdered(alerts);
        }

        var district = await StatusAsync("district:rd-ord-d");
        Assert.Equal([redZ, redA, orange], district.GetProperty("openAlerts").Strings("alertId"));
        Assert.Equal((1, 1, 1, 2), Counts(district));
        Assert.Empty((await StatusAsync("city")).GetProperty("openAlerts").EnumerateArray());
    }

    [Fact]
    public async Task An_alert_summary_carries_every_contract_field()
    {
        await EnsureRosterAsync();
        var alertId = await web.RaiseRedAlertAsync("rd-c2-s1");

        var alert = Assert.Single((await StatusAsync("class:rd-c2")).GetProperty("openAlerts").EnumerateArray());

        Assert.Equal(alertId, alert.GetProperty("alertId").GetString());
        Assert.Equal("rd-c2-s1", alert.GetProperty("studentId").GetString());
        Assert.Equal("李小红", alert.GetProperty("studentName").GetString());
        Assert.Equal(("rd-c2", "rd-h", "rd-d"),
            (alert.GetProperty("classId").GetString(), alert.GetProperty("schoolId").GetString(), alert.GetProperty("districtId").GetString()));
        Assert.Equal(("Red", "Green", "SelfHarm", "Open"),
            (alert.GetProperty("tier").GetString(), alert.GetProperty("previousTier").GetString(),
                alert.GetProperty("category").GetString(), alert.GetProperty("state").GetString()));
        AssertUtcInstant(alert.GetProperty("raisedAt"));
        AssertUtcInstant(alert.GetProperty("updatedAt"));
    }

    [Theory]
    [InlineData("room:rd-c1")]
    [InlineData("district:")]
    [InlineData("district")]
    [InlineData(":rd-d")]
    [InlineData("City")]
    [InlineData("District:rd-d")]
    [InlineData("class:rd c1")]
    [InlineData("class:rd-c1:extra")]
    [InlineData("student:S000001!")]
    public async Task A_string_that_is_not_a_scope_is_a_400_problem(string scope)
    {
        using var admin = await web.ClientForAsync("admin");
        var response = await admin.GetAsync($"/api/scopes/{Uri.EscapeDataString(scope)}");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, scope);
    }

    [Fact]
    public async Task A_scope_id_of_65_characters_is_a_400_problem()
    {
        using var admin = await web.ClientForAsync("admin");
        var response = await admin.GetAsync($"/api/scopes/class:{new string('c', 65)}");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("district:rd-nowhere")]
    [InlineData("school:rd-nowhere")]
    [InlineData("class:rd-nowhere")]
    [InlineData("student:rd-nowhere")]
    public async Task A_scope_not_in_the_roster_is_a_404_problem(string scope)
    {
        using var admin = await web.ClientForAsync("admin");
        var response = await admin.GetAsync($"/api/scopes/{scope}");
        await response.AssertProblemAsync(HttpStatusCode.NotFound, scope);
    }

    [Fact]
    public async Task The_archive_holds_identity_tier_focus_groups_observations_newest_first_and_alerts()
    {
        await EnsureRosterAsync();
        using var teacher = await web.ClientForAsync("rd-ht1", StaffPassword);
        var now = DateTimeOffset.UtcNow;
        // Submitted out of order: the archive orders by when it was observed.
        await ObserveAsync(teacher, "rd-arc", "Mood", 1, observedAt: now.AddDays(-3), note: "三天前");
        await ObserveAsync(teacher, "rd-arc", "Anxiety", 1, observedAt: now.AddDays(-1), note: "昨天");
        var alertId = await ObserveAsync(teacher, "rd-arc", "Family", 1, "Yellow", observedAt: now.AddDays(-2), note: "前天");
        using var psych = await web.ClientForAsync("rd-psy", StaffPassword);

        var response = await psych.GetAsync("/api/students/rd-arc");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var archive = await response.JsonAsync();
        Assert.Equal("rd-arc", archive.GetProperty("studentId").GetString());
        Assert.Equal("赵一诺", archive.GetProperty("name").GetString());
        Assert.Equal("M", archive.GetProperty("gender").GetString());
        Assert.Equal(("rd-c1", "rd-h", "rd-d"),
            (archive.GetProperty("classId").GetString(), archive.GetProperty("schoolId").GetString(), archive.GetProperty("districtId").GetString()));
        Assert.Equal("Yellow", archive.GetProperty("tier").GetString());
        Assert.Equal(["LeftBehind", "Migrant"], archive.GetProperty("focusGroups").EnumerateArray().Select(g => g.GetString()));
        var observations = archive.GetProperty("observations");
        Assert.Equal(["Anxiety", "Family", "Mood"], observations.Strings("category"));
        Assert.Equal(["昨天", "前天", "三天前"], observations.Strings("note"));
        var observedAt = observations.EnumerateArray().Select(o => o.GetProperty("observedAt").GetDateTimeOffset()).ToArray();
        Assert.Equal(observedAt.OrderDescending(), observedAt);
        var alert = Assert.Single(archive.GetProperty("alerts").EnumerateArray());
        Assert.Equal(alertId, alert.GetProperty("alertId").GetString());
        Assert.Equal("Yellow", alert.GetProperty("tier").GetString());
    }

    [Fact]
    public async Task A_successful_archive_read_is_audited_with_the_reader_and_the_student()
    {
        await EnsureRosterAsync();
        var audit = web.Services.GetRequiredService<IAuditTrail>();
        using var psych = await web.ClientForAsync("rd-psy", StaffPassword);
        var before = await ArchiveReadsAsync(audit, "rd-psy", "rd-s2");

        var response = await psych.GetAsync("/api/students/rd-s2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, await ArchiveReadsAsync(audit, "rd-psy", "rd-s2"));
        var entry = (await audit.RecentAsync(1_000)).First(e => e.UserId == "rd-psy" && e.Action == "ReadArchive" && e.Target == "student:rd-s2");
        Assert.Equal(Role.PsychTeacher, entry.Role);
    }

    [Theory]
    [InlineData("rd-cm")]
    [InlineData("rd-ht2")]
    public async Task A_denied_archive_read_is_not_audited(string reader)
    {
        await EnsureRosterAsync();
        var audit = web.Services.GetRequiredService<IAuditTrail>();
        using var client = await web.ClientForAsync(reader, StaffPassword);
        var before = await ArchiveReadsAsync(audit, reader, "rd-s3");

        var response = await client.GetAsync("/api/students/rd-s3");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(before, await ArchiveReadsAsync(audit, reader, "rd-s3"));
    }

    [Theory]
    [InlineData("A99-rd-s1")]
    [InlineData("A1-rd-nobody")]
    [InlineData("not-an-alert")]
    public async Task Acknowledging_or_resolving_an_unknown_alert_is_a_404_problem(string alertId)
    {
        await EnsureRosterAsync();
        using var psych = await web.ClientForAsync("rd-psy", StaffPassword);

        var acknowledge = await psych.PostAsync($"/api/alerts/{alertId}/acknowledge", null);
        var resolve = await psych.PostAsJsonAsync($"/api/alerts/{alertId}/resolve", new { note = "?" });

        await acknowledge.AssertProblemAsync(HttpStatusCode.NotFound, "acknowledge");
        await resolve.AssertProblemAsync(HttpStatusCode.NotFound, "resolve");
    }

    [Fact]
    public async Task Acknowledging_twice_is_200_both_times_and_the_tier_holds()
    {
        await EnsureRosterAsync();
        var alertId = await web.RaiseRedAlertAsync("rd-ack");
        using var teacher = await web.ClientForAsync("rd-ht1", StaffPassword);

        var first = await teacher.PostAsync($"/api/alerts/{alertId}/acknowledge", null);
        var second = await teacher.PostAsync($"/api/alerts/{alertId}/acknowledge", null);

        foreach (var response in new[] { first, second })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var alert = await response.JsonAsync();
            Assert.Equal(alertId, alert.GetProperty("alertId").GetString());
            Assert.Equal("Acknowledged", alert.GetProperty("state").GetString());
            Assert.Equal("Red", alert.GetProperty("tier").GetString());
        }

        var open = (await StatusAsync("class:rd-c1")).GetProperty("openAlerts").EnumerateArray().Single(a => a.GetProperty("alertId").GetString() == alertId);
        Assert.Equal("Acknowledged", open.GetProperty("state").GetString());
    }

    [Fact]
    public async Task After_a_resolve_the_student_is_green_and_the_alert_leaves_the_boards()
    {
        await EnsureRosterAsync();
        var alertId = await web.RaiseRedAlertAsync("rd-res");
        Assert.Contains(alertId, (await StatusAsync("school:rd-h")).GetProperty("openAlerts").Strings("alertId"));
        using var psych = await web.ClientForAsync("rd-psy", StaffPassword);

        var response = await psych.PostAsJsonAsync($"/api/alerts/{alertId}/resolve", new { note = "家访后情况稳定" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var resolved = await response.JsonAsync();
        Assert.Equal(alertId, resolved.GetProperty("alertId").GetString());
        Assert.Equal("Resolved", resolved.GetProperty("state").GetString());
        foreach (var scope in new[] { "class:rd-c1", "school:rd-h", "district:rd-d" })
        {
            Assert.DoesNotContain(alertId, (await StatusAsync(scope)).GetProperty("openAlerts").Strings("alertId"));
        }

        var student = await StatusAsync("student:rd-res");
        Assert.Equal((1, 0, 0, 0), Counts(student));
        Assert.Empty(student.GetProperty("openAlerts").EnumerateArray());
        var archive = await (await psych.GetAsync("/api/students/rd-res")).JsonAsync();
        Assert.Equal("Green", archive.GetProperty("tier").GetString());
        var alert = Assert.Single(archive.GetProperty("alerts").EnumerateArray());
        Assert.Equal("Resolved", alert.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Resolving_an_alert_that_is_already_resolved_is_a_409_problem()
    {
        await EnsureRosterAsync();
        var alertId = await web.RaiseRedAlertAsync("rd-twice");
        using var psych = await web.ClientForAsync("rd-psy", StaffPassword);

        var first = await psych.PostAsJsonAsync($"/api/alerts/{alertId}/resolve", new { note = "第一次" });
        var second = await psych.PostAsJsonAsync($"/api/alerts/{alertId}/resolve", new { note = "第二次" });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await second.AssertProblemAsync(HttpStatusCode.Conflict);
        var archive = await (await psych.GetAsync("/api/students/rd-twice")).JsonAsync();
        Assert.Equal("Green", archive.GetProperty("tier").GetString());
    }

    [Fact]
    public async Task A_resolve_note_over_2000_characters_is_a_400_and_the_alert_stays_open()
    {
        await EnsureRosterAsync();
        var alertId = await web.RaiseRedAlertAsync("rd-note");
        using var psych = await web.ClientForAsync("rd-psy", StaffPassword);

        var response = await psych.PostAsJsonAsync($"/api/alerts/{alertId}/resolve", new { note = new string('记', 2_001) });

        await response.AssertFieldErrorAsync("note");
        Assert.Contains(alertId, (await StatusAsync("class:rd-c1")).GetProperty("openAlerts").Strings("alertId"));
        var ok = await psych.PostAsJsonAsync($"/api/alerts/{alertId}/resolve", new { note = new string('记', 2_000) });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    private Task EnsureRosterAsync() => web.PutRosterAsync(Roster(
        districts: [District("rd-d", "读取区")],
        schools: [School("rd-h", "rd-d", "读取中学")],
        classes: [Class("rd-c1", "rd-h", 7, "七(1)班"), Class("rd-c2", "rd-h", 7, "七(2)班")],
        students:
        [
            Student("rd-s1", "rd-c1", "王小明"), Student("rd-s2", "rd-c1"), Student("rd-s3", "rd-c1"),
            Student("rd-c2-s1", "rd-c2", "李小红"),
            Student("rd-arc", "rd-c1", "赵一诺", "M", ["LeftBehind", "Migrant"]),
            Student("rd-ack", "rd-c1"), Student("rd-res", "rd-c1"), Student("rd-twice", "rd-c1"), Student("rd-note", "rd-c1"),
        ],
        staff:
        [
            Staff("rd-dc", "DistrictCenter", "district:rd-d"),
            Staff("rd-psy", "PsychTeacher", "school:rd-h"),
            Staff("rd-ht1", "HeadTeacher", "class:rd-c1"),
            Staff("rd-ht2", "HeadTeacher", "class:rd-c2"),
            Staff("rd-cm", "CommitteeMember", "class:rd-c1"),
        ]));

    /// <summary>Submits and returns the receipt's <c>alertId</c> (empty when there is none).</summary>
    private async Task<string> ObserveAsync(
        HttpClient client, string studentId, string category, int severity, string? expectedTier = null,
        DateTimeOffset? observedAt = null, string? note = null)
    {
        var response = await client.PostAsJsonAsync("/api/observations", new { studentId, category, severity, note, observedAt });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var receipt = await response.JsonAsync();
        if (expectedTier is not null)
        {
            Assert.Equal(expectedTier, receipt.GetProperty("tier").GetString());
        }

        return receipt.GetProperty("alertId").GetString() ?? string.Empty;
    }

    private async Task<JsonElement> StatusAsync(string scope)
    {
        using var admin = await web.ClientForAsync("admin");
        var response = await admin.GetAsync($"/api/scopes/{scope}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{scope}: {(int)response.StatusCode}");
        return await response.JsonAsync();
    }

    private static async Task<int> ArchiveReadsAsync(IAuditTrail audit, string userId, string studentId) =>
        (await audit.RecentAsync(100_000)).Count(e => e.UserId == userId && e.Action == "ReadArchive" && e.Target == $"student:{studentId}");

    private static (int Green, int Yellow, int Orange, int Red) Counts(JsonElement status)
    {
        var counts = status.GetProperty("counts");
        return (counts.GetProperty("Green").GetInt32(), counts.GetProperty("Yellow").GetInt32(),
            counts.GetProperty("Orange").GetInt32(), counts.GetProperty("Red").GetInt32());
    }

    /// <summary>Tiers never increase down the list, and within a tier <c>raisedAt</c> never decreases.</summary>
    private static void AssertOrdered(JsonElement alerts)
    {
        var rows = alerts.EnumerateArray()
            .Select(a => (Tier: Array.IndexOf(TierNames, a.GetProperty("tier").GetString()), RaisedAt: a.GetProperty("raisedAt").GetDateTimeOffset()))
            .ToArray();
        for (var i = 1; i < rows.Length; i++)
        {
            Assert.True(
                rows[i].Tier < rows[i - 1].Tier || (rows[i].Tier == rows[i - 1].Tier && rows[i].RaisedAt >= rows[i - 1].RaisedAt),
                $"Alert {i} is out of order: {alerts}");
        }
    }

    private static void AssertUtcInstant(JsonElement value)
    {
        var text = value.GetString();
        Assert.True(
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant) && text!.EndsWith('Z'),
            $"'{text}' is not an ISO-8601 UTC instant");
        Assert.Equal(TimeSpan.Zero, instant.Offset);
    }
}
