using MonitorGrid.Web.Api;
using static MonitorGrid.Tests.Api.ApiTestSupport;

namespace MonitorGrid.Tests.Api;

/// <summary>
/// The read endpoints the browser UI adds to the contract, over real HTTP. Own roster (<c>ui-</c>): district
/// <c>ui-d</c> → school <c>ui-h1</c> → classes <c>ui-c1</c> (ui-s1 张小明, ui-s2 李小红) and <c>ui-c2</c> (ui-s3 王大力).
/// </summary>
[Collection(WebCollection.Name)]
public sealed class The_UI_read_endpoints_answer_within_the_callers_scope(GridWebFactory web)
{
    private static readonly string[] CategoryNames = Enum.GetNames<Category>();

    private Task EnsureRosterAsync() => web.PutRosterAsync(Roster(
        districts: [District("ui-d", "界面区")],
        schools: [School("ui-h1", "ui-d", "界面一中")],
        classes: [Class("ui-c1", "ui-h1", 7, "七(1)班"), Class("ui-c2", "ui-h1", 7, "七(2)班")],
        students: [Student("ui-s1", "ui-c1", "张小明"), Student("ui-s2", "ui-c1", "李小红"), Student("ui-s3", "ui-c2", "王大力")],
        staff:
        [
            Staff("ui-ht1", "HeadTeacher", "class:ui-c1"), Staff("ui-cm1", "CommitteeMember", "class:ui-c1"),
            Staff("ui-dc", "DistrictCenter", "district:ui-d"), Staff("ui-psy", "PsychTeacher", "school:ui-h1"),
        ]));

    private async Task<HttpClient> AsAsync(string userId) =>
        userId == "admin" ? await web.ClientForAsync("admin") : await web.ClientForAsync(userId, StaffPassword);

    private static async Task<HttpResponseMessage> ObserveAsync(
        HttpClient client, string studentId, string category, string key, DateTimeOffset? observedAt = null, int severity = 1)
    {
        var response = await client.PostAsJsonAsync("/api/observations", new { studentId, category, severity, idempotencyKey = key, observedAt });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return response;
    }

    [Fact]
    public async Task Children_list_the_units_below_with_their_counts_and_open_alerts_from_the_city_down_to_a_class()
    {
        // A tree of this test's own, so that other tests' observations do not change its counts.
        await web.PutRosterAsync(Roster(
            districts: [District("ui-kd")],
            schools: [School("ui-kh", "ui-kd", "下钻中学")],
            classes: [Class("ui-kc1", "ui-kh"), Class("ui-kc2", "ui-kh")],
            students: [Student("ui-ks1", "ui-kc1"), Student("ui-ks2", "ui-kc1"), Student("ui-ks3", "ui-kc2")]));
        using var admin = await AsAsync("admin");
        await ObserveAsync(admin, "ui-ks1", "SelfHarm", "ui-kids-red");
        await ObserveAsync(admin, "ui-ks3", "Withdrawal", "ui-kids-yellow", severity: 2);

        var districts = await (await admin.GetAsync("/api/scopes/city/children")).JsonAsync();
        var schools = await (await admin.GetAsync("/api/scopes/district:ui-kd/children")).JsonAsync();
        var classes = await (await admin.GetAsync("/api/scopes/school:ui-kh/children")).JsonAsync();

        Assert.Equal(districts.Strings("scope").Order(StringComparer.Ordinal), districts.Strings("scope"));
        var district = districts.EnumerateArray().Single(d => d.GetProperty("scope").GetString() == "district:ui-kd");
        // A district lists Orange and Red alerts only; a school and a class list every open alert.
        Assert.Equal((new TierCounts(1, 1, 0, 1), 1), Summary(district));
        var school = Assert.Single(schools.EnumerateArray());
        Assert.Equal(("school:ui-kh", "下钻中学"), (school.GetProperty("scope").GetString(), school.GetProperty("name").GetString()));
        Assert.Equal((new TierCounts(1, 1, 0, 1), 2), Summary(school));
        Assert.Equal(["class:ui-kc1", "class:ui-kc2"], classes.Strings("scope"));
        Assert.Equal([(new TierCounts(1, 0, 0, 1), 1), (new TierCounts(0, 1, 0, 0), 1)], classes.EnumerateArray().Select(Summary));
        Assert.Equal(0, (await (await admin.GetAsync("/api/scopes/class:ui-kc1/children")).JsonAsync()).GetArrayLength());
        Assert.Equal(0, (await (await admin.GetAsync("/api/scopes/student:ui-ks1/children")).JsonAsync()).GetArrayLength());

        // The city bureau sees no identities, but the number of alerts is a count: it gets it.
        using var bureau = await web.ClientForAsync("city");
        var seenByBureau = await (await bureau.GetAsync("/api/scopes/city/children")).JsonAsync();
        Assert.Equal(district.GetRawText(), seenByBureau.EnumerateArray().Single(d => d.GetProperty("scope").GetString() == "district:ui-kd").GetRawText());
    }

    [Fact]
    public async Task A_school_added_by_a_later_roster_appears_among_the_children()
    {
        await web.PutRosterAsync(Roster(districts: [District("ui-ld")], schools: [School("ui-lh1", "ui-ld")]));
        using var admin = await AsAsync("admin");
        var first = await (await admin.GetAsync("/api/scopes/district:ui-ld/children")).JsonAsync();

        await web.PutRosterAsync(Roster(schools: [School("ui-lh2", "ui-ld", "后来的中学")]));
        var then = await (await admin.GetAsync("/api/scopes/district:ui-ld/children")).JsonAsync();

        Assert.Equal(["school:ui-lh1"], first.Strings("scope"));
        Assert.Equal(["school:ui-lh1", "school:ui-lh2"], then.Strings("scope"));
        Assert.Equal("后来的中学", then[1].GetProperty("name").GetString());
        Assert.Equal(TierCounts.Zero, then[1].GetProperty("counts").Deserialize<TierCounts>());
    }

    [Theory]
    [InlineData("children")]
    [InlineData("trend")]
    [InlineData("categories")]
    public async Task Board_reads_follow_the_scope_rule(string read)
    {
        await EnsureRosterAsync();
        using var committee = await AsAsync("ui-cm1");
        using var teacher = await AsAsync("ui-ht1");
        using var dc = await AsAsync("ui-dc");

        await (await committee.GetAsync($"/api/scopes/class:ui-c1/{read}")).AssertProblemAsync(HttpStatusCode.Forbidden, "committee member");
        await (await teacher.GetAsync($"/api/scopes/school:ui-h1/{read}")).AssertProblemAsync(HttpStatusCode.Forbidden, "above the teacher's class");
        await (await dc.GetAsync($"/api/scopes/district:ui-nowhere/{read}")).AssertProblemAsync(HttpStatusCode.NotFound, "unknown");
        await (await dc.GetAsync($"/api/scopes/region:x/{read}")).AssertProblemAsync(HttpStatusCode.BadRequest, "not a scope");
        Assert.Equal(HttpStatusCode.OK, (await teacher.GetAsync($"/api/scopes/class:ui-c1/{read}")).StatusCode);
    }

    [Fact]
    public async Task The_trend_has_one_day_per_beijing_date_ending_today_with_every_student_counted()
    {
        await EnsureRosterAsync();
        using var psy = await AsAsync("ui-psy");

        var trend = await (await psy.GetAsync("/api/scopes/school:ui-h1/trend?days=7")).JsonAsync();
        var month = await (await psy.GetAsync("/api/scopes/school:ui-h1/trend")).JsonAsync();

        Assert.Equal("school:ui-h1", trend.GetProperty("scope").GetString());
        Assert.Equal("Asia/Shanghai", trend.GetProperty("timeZone").GetString());
        var days = trend.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(7, days.Count);
        Assert.Equal(30, month.GetProperty("days").GetArrayLength());
        var today = TierTrend.DayOf(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(today, days[^1].GetProperty("date").GetString());
        Assert.Equal(days.Select(d => d.GetProperty("date").GetString()).Order(StringComparer.Ordinal), days.Select(d => d.GetProperty("date").GetString()));
        Assert.All(days, d => Assert.Equal(3, d.GetProperty("counts").EnumerateObject().Sum(p => p.Value.GetInt32())));
    }

    [Theory]
    [InlineData("trend?days=0")]
    [InlineData("trend?days=91")]
    [InlineData("categories?days=0")]
    [InlineData("categories?days=91")]
    public async Task Days_outside_1_to_90_are_a_field_error(string read)
    {
        await EnsureRosterAsync();
        using var psy = await AsAsync("ui-psy");

        await (await psy.GetAsync($"/api/scopes/school:ui-h1/{read}")).AssertFieldErrorAsync("days");
    }

    [Fact]
    public async Task Categories_count_observations_in_the_window_by_when_observed_and_list_every_category()
    {
        await EnsureRosterAsync();
        using var admin = await AsAsync("admin");
        await ObserveAsync(admin, "ui-s3", "Mood", "ui-cat-1");
        await ObserveAsync(admin, "ui-s3", "Mood", "ui-cat-2");
        await ObserveAsync(admin, "ui-s3", "Bullying", "ui-cat-3");
        await ObserveAsync(admin, "ui-s3", "Family", "ui-cat-4", DateTimeOffset.UtcNow.AddDays(-40));

        var month = await (await admin.GetAsync("/api/scopes/class:ui-c2/categories")).JsonAsync();
        var quarter = await (await admin.GetAsync("/api/scopes/class:ui-c2/categories?days=90")).JsonAsync();

        var counts = month.GetProperty("categories").EnumerateArray().ToDictionary(c => c.GetProperty("category").GetString()!, c => c.GetProperty("count").GetInt32());
        Assert.Equal(CategoryNames, month.GetProperty("categories").Strings("category"));
        Assert.Equal((2, 1, 0), (counts["Mood"], counts["Bullying"], counts["Family"]));
        Assert.Equal(3, month.GetProperty("observations").GetInt32());
        Assert.Equal(4, quarter.GetProperty("observations").GetInt32());
    }

    [Fact]
    public async Task The_picker_lists_only_the_callers_own_scope_by_name_or_id_and_says_nothing_about_tiers()
    {
        await EnsureRosterAsync();
        using var committee = await AsAsync("ui-cm1");

        var all = await (await committee.GetAsync("/api/observations/students")).JsonAsync();
        var byName = await (await committee.GetAsync("/api/observations/students?q=小红")).JsonAsync();
        var byId = await (await committee.GetAsync("/api/observations/students?q=UI-S1")).JsonAsync();
        var elsewhere = await (await committee.GetAsync("/api/observations/students?q=王大力")).JsonAsync();

        Assert.Equal(["ui-s1", "ui-s2"], all.Strings("studentId"));
        Assert.Equal(["ui-s2"], byName.Strings("studentId"));
        Assert.Equal(["ui-s1"], byId.Strings("studentId"));
        Assert.Equal(0, elsewhere.GetArrayLength());
        var first = all[0];
        Assert.Equal(("张小明", "ui-c1", "七(1)班"),
            (first.GetProperty("name").GetString(), first.GetProperty("classId").GetString(), first.GetProperty("className").GetString()));
        Assert.Equal(["classId", "className", "name", "studentId"], first.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_head_teacher_picks_only_from_their_own_class_and_a_psych_teacher_from_the_whole_school()
    {
        await EnsureRosterAsync();
        using var teacher = await AsAsync("ui-ht1");
        using var psych = await AsAsync("ui-psy");

        var teachers = await (await teacher.GetAsync("/api/observations/students?q=ui-s")).JsonAsync();
        var otherClass = await (await teacher.GetAsync("/api/observations/students?q=ui-s3")).JsonAsync();
        var psychs = await (await psych.GetAsync("/api/observations/students?q=ui-s")).JsonAsync();

        Assert.Equal(["ui-s1", "ui-s2"], teachers.Strings("studentId"));
        Assert.Equal(0, otherClass.GetArrayLength());
        // By class id, then by name.
        Assert.Equal(["ui-s1", "ui-s2", "ui-s3"], psychs.Strings("studentId"));
        Assert.Equal(["七(1)班", "七(1)班", "七(2)班"], psychs.Strings("className"));
    }

    [Fact]
    public async Task The_picker_refuses_a_bad_limit_and_a_city_wide_list_without_a_query()
    {
        await EnsureRosterAsync();
        using var committee = await AsAsync("ui-cm1");
        using var admin = await AsAsync("admin");

        await (await committee.GetAsync("/api/observations/students?limit=0")).AssertFieldErrorAsync("limit");
        await (await committee.GetAsync("/api/observations/students?limit=201")).AssertFieldErrorAsync("limit");
        await (await admin.GetAsync("/api/observations/students")).AssertFieldErrorAsync("q");
        var found = await (await admin.GetAsync("/api/observations/students?q=ui-s&limit=2")).JsonAsync();
        Assert.Equal(["ui-s1", "ui-s2"], found.Strings("studentId"));
    }

    [Fact]
    public async Task Mine_lists_only_the_callers_own_submissions_newest_first()
    {
        await EnsureRosterAsync();
        using var committee = await AsAsync("ui-cm1");
        await ObserveAsync(committee, "ui-s1", "Withdrawal", "ui-mine-1");
        await ObserveAsync(committee, "ui-s2", "Anxiety", "ui-mine-2");
        using var teacher = await AsAsync("ui-ht1");
        await ObserveAsync(teacher, "ui-s2", "Academic", "ui-mine-3");

        var mine = await (await committee.GetAsync("/api/observations/mine")).JsonAsync();
        var one = await (await committee.GetAsync("/api/observations/mine?limit=1")).JsonAsync();

        Assert.Equal(["ui-s2", "ui-s1"], mine.Strings("studentId"));
        Assert.Equal(["Anxiety", "Withdrawal"], mine.Strings("category"));
        Assert.Equal("李小红", mine[0].GetProperty("studentName").GetString());
        Assert.Equal(1, one.GetArrayLength());
        Assert.DoesNotContain("Academic", mine.Strings("category"));
        await (await committee.GetAsync("/api/observations/mine?limit=500")).AssertFieldErrorAsync("limit");
    }

    [Fact]
    public async Task The_openapi_document_names_every_UI_read()
    {
        using var anonymous = web.CreateClient();

        var document = await (await anonymous.GetAsync("/openapi/v1.json")).JsonAsync();

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(o => o.Value.TryGetProperty("operationId", out _))
                .Select(o => (path.Name, o.Name, o.Value.GetProperty("operationId").GetString())))
            .ToList();
        Assert.Contains(("/api/scopes/{scope}/children", "get", "GetScopeChildren"), operations);
        Assert.Contains(("/api/scopes/{scope}/trend", "get", "GetScopeTrend"), operations);
        Assert.Contains(("/api/scopes/{scope}/categories", "get", "GetScopeCategories"), operations);
        Assert.Contains(("/api/observations/students", "get", "FindStudentsToObserve"), operations);
        Assert.Contains(("/api/observations/mine", "get", "GetOwnObservations"), operations);
    }

    /// <summary>A child's counts and number of open alerts.</summary>
    private static (TierCounts Counts, int OpenAlerts) Summary(JsonElement child) =>
        (child.GetProperty("counts").Deserialize<TierCounts>()!, child.GetProperty("openAlerts").GetInt32());
}
