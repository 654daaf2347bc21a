using static MonitorGrid.Tests.Api.ApiTestSupport;

namespace MonitorGrid.Tests.Api;

/// <summary>
/// Case management over real HTTP: who may record what, field errors, the 409s, and the follow-up board and
/// mentoring list. Own roster (<c>cs-</c>): district <c>cs-d</c> → school <c>cs-h</c> → class <c>cs-c</c>
/// (cs-s1..cs-s3; cs-s3 left behind, mentored by cs-mentor) and a second school <c>cs-h2</c> → <c>cs-c2</c> (cs-s9).
/// </summary>
[Collection(WebCollection.Name)]
public sealed class Case_entries_and_follow_up_lists_keep_to_roles_and_scopes(GridWebFactory web)
{
    private Task EnsureRosterAsync() => web.PutRosterAsync(Roster(
        districts: [District("cs-d", "个案区")],
        schools: [School("cs-h", "cs-d", "个案中学"), School("cs-h2", "cs-d", "另一中学")],
        classes: [Class("cs-c", "cs-h"), Class("cs-c2", "cs-h2")],
        students:
        [
            Student("cs-s1", "cs-c", "陈一"), Student("cs-s2", "cs-c", "陈二"),
            Student("cs-s3", "cs-c", "陈三", focusGroups: ["LeftBehind"], mentorId: "cs-mentor"), Student("cs-s9", "cs-c2", "陈九"),
        ],
        staff:
        [
            Staff("cs-ht", "HeadTeacher", "class:cs-c"), Staff("cs-cm", "CommitteeMember", "class:cs-c"),
            Staff("cs-mentor", "Mentor", "school:cs-h"), Staff("cs-psy", "PsychTeacher", "school:cs-h"),
            Staff("cs-psy2", "PsychTeacher", "school:cs-h2"), Staff("cs-dc", "DistrictCenter", "district:cs-d"),
            Staff("cs-city", "CityBureau", "city"),
        ]));

    private async Task<HttpClient> AsAsync(string userId) => await web.ClientForAsync(userId, StaffPassword);

    private static Task<HttpResponseMessage> RecordAsync(HttpClient client, string student, object entry) =>
        client.PostAsJsonAsync($"/api/students/{student}/case-entries", entry);

    [Fact]
    public async Task A_case_is_planned_talked_referred_and_closed_through_the_api_and_the_archive_shows_every_entry()
    {
        await EnsureRosterAsync();
        var alertId = await web.RaiseRedAlertAsync("cs-s1");
        using var psych = await AsAsync("cs-psy");
        using var teacher = await AsAsync("cs-ht");
        using var district = await AsAsync("cs-dc");

        var plan = await RecordAsync(psych, "cs-s1", new { kind = "Plan", goals = "每周面谈，评估转介", owner = "cs-psy", nextContactOn = "2026-12-01" });
        Assert.Equal(HttpStatusCode.Created, plan.StatusCode);
        Assert.Equal("cs-psy", (await plan.JsonAsync()).GetProperty("case").GetProperty("planOwner").GetString());
        var talk = await (await RecordAsync(teacher, "cs-s1", new { kind = "Talk", note = "班主任谈心：睡眠差" })).JsonAsync();
        Assert.Equal("Talk", talk.GetProperty("record").GetProperty("entry").GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.String, talk.GetProperty("case").GetProperty("lastContactAt").ValueKind);
        var referred = await (await RecordAsync(district, "cs-s1", new { kind = "Referral", referral = "Referred", hospital = "市第四人民医院" })).JsonAsync();
        Assert.Equal("Referred", referred.GetProperty("case").GetProperty("referral").GetString());

        var closeEarly = await RecordAsync(psych, "cs-s1", new { kind = "Close", note = "已好转" });
        Assert.Contains("resolve", (await closeEarly.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await psych.PostAsJsonAsync($"/api/alerts/{alertId}/resolve", new { note = "已处置" })).StatusCode);
        var closed = await RecordAsync(psych, "cs-s1", new { kind = "Close", note = "已好转" });
        Assert.Equal(HttpStatusCode.Created, closed.StatusCode);

        var archive = await (await psych.GetAsync("/api/students/cs-s1")).JsonAsync();
        Assert.Equal("已好转", archive.GetProperty("case").GetProperty("closeReason").GetString());
        Assert.Equal(["Close", "Referral", "Talk", "Plan"],
            archive.GetProperty("caseRecords").EnumerateArray().Select(r => r.GetProperty("entry").GetProperty("kind").GetString()));
        Assert.Equal(["cs-psy", "cs-dc", "cs-ht", "cs-psy"],
            archive.GetProperty("caseRecords").EnumerateArray().Select(r => r.GetProperty("actorId").GetString()));
    }

    [Theory]
    [InlineData("cs-cm", "Talk", HttpStatusCode.Forbidden)]
    [InlineData("cs-ht", "Plan", HttpStatusCode.Forbidden)]
    [InlineData("cs-mentor", "Referral", HttpStatusCode.Forbidden)]
    [InlineData("cs-city", "Talk", HttpStatusCode.Forbidden)]
    [InlineData("cs-psy2", "Talk", HttpStatusCode.Forbidden)]
    [InlineData("cs-mentor", "Talk", HttpStatusCode.Created)]
    [InlineData("cs-dc", "Leave", HttpStatusCode.Created)]
    public async Task Each_kind_of_entry_is_open_only_to_its_roles_within_their_scope(string userId, string kind, HttpStatusCode expected)
    {
        await EnsureRosterAsync();
        await web.RaiseRedAlertAsync("cs-s2");
        using var client = await AsAsync(userId);
        var response = await RecordAsync(client, "cs-s2", new { kind, note = "记录", referral = "Proposed" });
        if (expected == HttpStatusCode.Created)
        {
            Assert.Equal(expected, response.StatusCode);
        }
        else
        {
            await response.AssertProblemAsync(expected);
        }
    }

    [Fact]
    public async Task Entries_missing_what_their_kind_needs_are_field_errors_and_unknown_students_404()
    {
        await EnsureRosterAsync();
        using var psych = await AsAsync("cs-psy");
        await (await RecordAsync(psych, "cs-s2", new { note = "x" })).AssertFieldErrorAsync("kind");
        await (await RecordAsync(psych, "cs-s2", new { kind = "Chat" })).AssertFieldErrorAsync("kind");
        var plan = await RecordAsync(psych, "cs-s2", new { kind = "Plan" });
        await plan.AssertFieldErrorAsync("goals");
        var errors = (await plan.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("owner", out _) && errors.TryGetProperty("nextContactOn", out _), errors.GetRawText());
        await (await RecordAsync(psych, "cs-s2", new { kind = "Talk" })).AssertFieldErrorAsync("note");
        await (await RecordAsync(psych, "cs-s2", new { kind = "Referral", referral = "Cured" })).AssertFieldErrorAsync("referral");
        await (await RecordAsync(psych, "cs-s2", new { kind = "Close", note = " " })).AssertFieldErrorAsync("note");
        await (await RecordAsync(psych, "cs-s2", new { kind = "Talk", note = "x", occurredAt = DateTimeOffset.UtcNow.AddHours(1) })).AssertFieldErrorAsync("occurredAt");
        await (await RecordAsync(psych, "cs-s2", new { kind = "Talk", note = new string('谈', 2001) })).AssertFieldErrorAsync("note");
        await (await RecordAsync(psych, "cs-nobody", new { kind = "Talk", note = "x" })).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_student_without_an_open_case_takes_a_talk_but_a_plan_is_a_409()
    {
        await EnsureRosterAsync();
        using var psych = await AsAsync("cs-psy");
        var plan = await RecordAsync(psych, "cs-s3", new { kind = "Plan", goals = "g", owner = "cs-psy", nextContactOn = "2026-12-01" });
        Assert.Contains("no open case", (await plan.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        using var mentor = await AsAsync("cs-mentor");
        Assert.Equal(HttpStatusCode.Created, (await RecordAsync(mentor, "cs-s3", new { kind = "Talk", note = "每月谈心" })).StatusCode);
    }

    [Fact]
    public async Task The_follow_up_board_lists_the_open_cases_of_its_scope_only_and_the_mentoring_list_names_each_mentor()
    {
        await EnsureRosterAsync();
        await web.RaiseRedAlertAsync("cs-s9");
        using var district = await AsAsync("cs-dc");
        using var psych = await AsAsync("cs-psy");

        var board = await (await district.GetAsync("/api/scopes/district:cs-d/follow-ups")).JsonAsync();
        var row = board.GetProperty("cases").EnumerateArray().Single(r => r.GetProperty("case").GetProperty("studentId").GetString() == "cs-s9");
        Assert.False(row.GetProperty("overdue").GetBoolean());
        Assert.Equal(("Red", "cs-h2"), (row.GetProperty("case").GetProperty("tier").GetString(), row.GetProperty("case").GetProperty("schoolId").GetString()));
        var school = await (await psych.GetAsync("/api/scopes/school:cs-h/follow-ups")).JsonAsync();
        Assert.DoesNotContain("cs-s9", school.GetProperty("cases").EnumerateArray().Select(r => r.GetProperty("case").GetProperty("studentId").GetString()));

        var mentoring = await (await psych.GetAsync("/api/scopes/school:cs-h/mentoring")).JsonAsync();
        var s3 = Assert.Single(mentoring.GetProperty("students").EnumerateArray());
        Assert.Equal(("cs-s3", "cs-mentor", "LeftBehind"),
            (s3.GetProperty("studentId").GetString(), s3.GetProperty("mentorId").GetString(), s3.GetProperty("focusGroups")[0].GetString()));

        using var bureau = await AsAsync("cs-city");
        await (await bureau.GetAsync("/api/scopes/district:cs-d/follow-ups")).AssertProblemAsync(HttpStatusCode.Forbidden);
        using var peer = await AsAsync("cs-cm");
        await (await peer.GetAsync("/api/scopes/class:cs-c/follow-ups")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await psych.GetAsync("/api/scopes/school:cs-h2/follow-ups")).AssertProblemAsync(HttpStatusCode.Forbidden);
        using var admin = await web.ClientForAsync("admin");
        await (await admin.GetAsync("/api/scopes/city/follow-ups")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_openapi_document_names_the_case_endpoints()
    {
        using var anonymous = web.CreateClient();
        var paths = (await (await anonymous.GetAsync("/openapi/v1.json")).JsonAsync()).GetProperty("paths");

        Assert.Equal("RecordCaseEntry", paths.GetProperty("/api/students/{id}/case-entries").GetProperty("post").GetProperty("operationId").GetString());
        Assert.Equal("GetFollowUpBoard", paths.GetProperty("/api/scopes/{scope}/follow-ups").GetProperty("get").GetProperty("operationId").GetString());
        Assert.Equal("GetMentoringList", paths.GetProperty("/api/scopes/{scope}/mentoring").GetProperty("get").GetProperty("operationId").GetString());
    }
}
