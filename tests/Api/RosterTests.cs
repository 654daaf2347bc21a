using static MonitorGrid.Tests.Api.ApiTestSupport;

namespace MonitorGrid.Tests.Api;

/// <summary>
/// <c>PUT /api/roster</c>: an idempotent, all-or-nothing upsert. Every refused request here also carries a valid
/// district of its own, which must not be found afterwards. Ids are this class's own (<c>ros-</c>).
/// </summary>
[Collection(WebCollection.Name)]
public sealed class The_roster_upsert_is_idempotent_and_all_or_nothing(GridWebFactory web)
{
    [Fact]
    public async Task An_upsert_answers_the_counts_of_the_rows_it_upserted()
    {
        var counts = await web.PutRosterAsync(Roster(
            districts: [District("ros-cnt-d")],
            schools: [School("ros-cnt-h", "ros-cnt-d")],
            classes: [Class("ros-cnt-c1", "ros-cnt-h"), Class("ros-cnt-c2", "ros-cnt-h", grade: 8)],
            students: [Student("ros-cnt-s1", "ros-cnt-c1"), Student("ros-cnt-s2", "ros-cnt-c1"), Student("ros-cnt-s3", "ros-cnt-c2", gender: "M")],
            staff: [Staff("ros-cnt-ht", "HeadTeacher", "class:ros-cnt-c1"), Staff("ros-cnt-psy", "PsychTeacher", "school:ros-cnt-h")]));

        Assert.Equal(
            ["classes", "districts", "schools", "staff", "students"],
            counts.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            (1, 1, 2, 3, 2),
            (counts.GetProperty("districts").GetInt32(), counts.GetProperty("schools").GetInt32(), counts.GetProperty("classes").GetInt32(),
                counts.GetProperty("students").GetInt32(), counts.GetProperty("staff").GetInt32()));
        var school = await StatusAsync("school:ros-cnt-h");
        Assert.Equal((3, 0, 0, 0), Counts(school));
        Assert.Equal((2, 0, 0, 0), Counts(await StatusAsync("class:ros-cnt-c1")));
    }

    [Fact]
    public async Task A_student_asked_for_before_being_registered_is_found_as_soon_as_the_roster_has_them()
    {
        await web.PutRosterAsync(Roster(
            districts: [District("ros-late-d")], schools: [School("ros-late-h", "ros-late-d")], classes: [Class("ros-late-c", "ros-late-h")],
            staff: [Staff("ros-late-ht", "HeadTeacher", "class:ros-late-c")]));
        using var teacher = await web.ClientForAsync("ros-late-ht", StaffPassword);
        var observation = new { studentId = "ros-late-s", category = "SelfHarm", severity = 1 };
        await (await teacher.PostAsJsonAsync("/api/observations", observation)).AssertProblemAsync(HttpStatusCode.NotFound);

        await web.PutRosterAsync(Roster(students: [Student("ros-late-s", "ros-late-c")]));

        var response = await teacher.PostAsJsonAsync("/api/observations", observation);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal((0, 0, 0, 1), Counts(await StatusAsync("class:ros-late-c")));
    }

    [Fact]
    public async Task A_subset_may_name_parents_stored_by_an_earlier_request()
    {
        await web.PutRosterAsync(Roster(districts: [District("ros-sub-d")]));
        await web.PutRosterAsync(Roster(schools: [School("ros-sub-h", "ros-sub-d")]));
        await web.PutRosterAsync(Roster(classes: [Class("ros-sub-c", "ros-sub-h")]));
        var counts = await web.PutRosterAsync(Roster(students: [Student("ros-sub-s", "ros-sub-c")]));

        Assert.Equal(1, counts.GetProperty("students").GetInt32());
        Assert.Equal(0, counts.GetProperty("districts").GetInt32());
        Assert.Equal((1, 0, 0, 0), Counts(await StatusAsync("district:ros-sub-d")));
    }

    [Fact]
    public async Task Putting_the_same_roster_again_changes_nothing()
    {
        var roster = Roster(
            districts: [District("ros-idem-d")],
            schools: [School("ros-idem-h", "ros-idem-d")],
            classes: [Class("ros-idem-c", "ros-idem-h")],
            students: [Student("ros-idem-s1", "ros-idem-c"), Student("ros-idem-s2", "ros-idem-c")],
            staff: [Staff("ros-idem-ht", "HeadTeacher", "class:ros-idem-c")]);
        var first = await web.PutRosterAsync(roster);
        var alertId = await web.RaiseRedAlertAsync("ros-idem-s1");
        var before = await StatusAsync("school:ros-idem-h");

        var second = await web.PutRosterAsync(roster);

        Assert.Equal(first.ToString(), second.ToString());
        var after = await StatusAsync("school:ros-idem-h");
        Assert.Equal((1, 0, 0, 1), Counts(after));
        Assert.Equal(Counts(before), Counts(after));
        Assert.Equal([alertId], after.GetProperty("openAlerts").Strings("alertId"));
        Assert.Equal(HttpStatusCode.OK, (await LogInAsync("ros-idem-ht", StaffPassword)).StatusCode);
    }

    [Fact]
    public async Task A_school_whose_district_does_not_exist_is_refused_by_row_and_nothing_is_stored()
    {
        var response = await PutAsync(Roster(
            districts: [District("ros-mp1-d")],
            schools: [School("ros-mp1-h", "ros-mp1-d"), School("ros-mp1-x", "ros-nowhere")],
            staff: [Staff("ros-mp1-lead", "SchoolLead", "school:ros-mp1-h")]));

        await response.AssertFieldErrorAsync("schools[1].districtId");
        await AssertNotFoundAsync("district:ros-mp1-d", "school:ros-mp1-h", "school:ros-mp1-x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await LogInAsync("ros-mp1-lead", StaffPassword)).StatusCode);
    }

    [Fact]
    public async Task A_class_whose_school_is_neither_in_the_request_nor_stored_is_refused_by_row_and_nothing_is_stored()
    {
        await web.PutRosterAsync(Roster(districts: [District("ros-mp2-d")], schools: [School("ros-mp2-h", "ros-mp2-d")]));

        var response = await PutAsync(Roster(
            districts: [District("ros-mp2-new-d")],
            classes: [Class("ros-mp2-c1", "ros-mp2-h"), Class("ros-mp2-c2", "ros-mp2-h"), Class("ros-mp2-c3", "ros-mp2-nowhere")]));

        await response.AssertFieldErrorAsync("classes[2].schoolId");
        await AssertNotFoundAsync("district:ros-mp2-new-d", "class:ros-mp2-c1", "class:ros-mp2-c2", "class:ros-mp2-c3");
    }

    [Fact]
    public async Task A_student_whose_class_does_not_exist_is_refused_by_row_and_nothing_is_stored()
    {
        var response = await PutAsync(Roster(
            districts: [District("ros-mp3-d")],
            schools: [School("ros-mp3-h", "ros-mp3-d")],
            classes: [Class("ros-mp3-c", "ros-mp3-h")],
            students: [Student("ros-mp3-s1", "ros-mp3-c"), Student("ros-mp3-s2", "ros-mp3-missing")]));

        await response.AssertFieldErrorAsync("students[1].classId");
        await AssertNotFoundAsync("district:ros-mp3-d", "school:ros-mp3-h", "class:ros-mp3-c", "student:ros-mp3-s1");
    }

    [Fact]
    public async Task A_row_without_its_parent_id_is_refused_by_row()
    {
        var response = await PutAsync(new
        {
            districts = new[] { District("ros-mp4-d") },
            schools = new[] { new { id = "ros-mp4-h", name = "无区学校" } },
        });

        await response.AssertFieldErrorAsync("schools[0].districtId");
        await AssertNotFoundAsync("district:ros-mp4-d", "school:ros-mp4-h");
    }

    public static TheoryData<string, string, string> Duplicates => new()
    {
        { "districts", """{ "districts": [ { "id": "ros-dup1-d", "name": "a" }, { "id": "ros-dup1-d", "name": "b" } ] }""", "districts[1].id" },
        {
            "schools",
            """{ "districts": [ { "id": "ros-dup2-d", "name": "a" } ], "schools": [ { "id": "ros-dup2-h", "districtId": "ros-dup2-d", "name": "a" }, { "id": "ros-dup2-h", "districtId": "ros-dup2-d", "name": "b" } ] }""",
            "schools[1].id"
        },
        {
            "students",
            """{ "districts": [ { "id": "ros-dup3-d", "name": "a" } ], "schools": [ { "id": "ros-dup3-h", "districtId": "ros-dup3-d", "name": "a" } ], "classes": [ { "id": "ros-dup3-c", "schoolId": "ros-dup3-h", "grade": 7, "name": "a" } ], "students": [ { "id": "ros-dup3-s", "classId": "ros-dup3-c", "name": "a" }, { "id": "ros-dup3-t", "classId": "ros-dup3-c", "name": "b" }, { "id": "ros-dup3-s", "classId": "ros-dup3-c", "name": "c" } ] }""",
            "students[2].id"
        },
        {
            "staff",
            """{ "districts": [ { "id": "ros-dup4-d", "name": "a" } ], "staff": [ { "id": "ros-dup4-x", "name": "a", "role": "DistrictCenter", "scope": "district:ros-dup4-d", "password": "pass-1" }, { "id": "ros-dup4-x", "name": "b", "role": "Admin", "scope": "city", "password": "pass-2" } ] }""",
            "staff[1].id"
        },
    };

    [Theory]
    [MemberData(nameof(Duplicates))]
    public async Task The_same_id_twice_in_one_request_is_refused(string kind, string body, string field)
    {
        var response = await PutJsonAsync(body);
        await response.AssertFieldErrorAsync(field, kind);
        var sentinel = JsonDocument.Parse(body).RootElement.GetProperty("districts")[0].GetProperty("id").GetString();
        await AssertNotFoundAsync($"district:{sentinel}");
    }

    public static TheoryData<string, string, string> BadIds => new()
    {
        { "district id with a space", """{ "districts": [ { "id": "ros bad", "name": "a" }, { "id": "ros-bad1-d", "name": "b" } ] }""", "districts[0].id" },
        { "district id with 中文", """{ "districts": [ { "id": "ros-bad1-d", "name": "b" }, { "id": "ros-区", "name": "a" } ] }""", "districts[1].id" },
        { "district id empty", """{ "districts": [ { "id": "", "name": "a" }, { "id": "ros-bad1-d", "name": "b" } ] }""", "districts[0].id" },
        { "district id missing", """{ "districts": [ { "name": "a" }, { "id": "ros-bad1-d", "name": "b" } ] }""", "districts[0].id" },
        {
            "school id with a slash",
            """{ "districts": [ { "id": "ros-bad1-d", "name": "b" } ], "schools": [ { "id": "ros/bad", "districtId": "ros-bad1-d", "name": "a" } ] }""",
            "schools[0].id"
        },
        {
            "school's district id with a colon",
            """{ "districts": [ { "id": "ros-bad1-d", "name": "b" } ], "schools": [ { "id": "ros-bad1-h", "districtId": "district:ros-bad1-d", "name": "a" } ] }""",
            "schools[0].districtId"
        },
        {
            "student id of 65 characters",
            $$"""{ "districts": [ { "id": "ros-bad1-d", "name": "b" } ], "students": [ { "id": "{{new string('s', 65)}}", "classId": "ros-bad1-c", "name": "a" } ] }""",
            "students[0].id"
        },
        {
            "staff id with an @",
            """{ "districts": [ { "id": "ros-bad1-d", "name": "b" } ], "staff": [ { "id": "ros@bad", "name": "a", "role": "CityBureau", "scope": "city", "password": "pass-1" } ] }""",
            "staff[0].id"
        },
    };

    [Theory]
    [MemberData(nameof(BadIds))]
    public async Task An_id_that_breaks_the_identifier_rule_is_refused(string because, string body, string field)
    {
        var response = await PutJsonAsync(body);
        await response.AssertFieldErrorAsync(field, because);
        await AssertNotFoundAsync("district:ros-bad1-d");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(-7)]
    public async Task A_class_grade_outside_1_to_12_is_refused(int grade)
    {
        var response = await PutAsync(Roster(
            districts: [District("ros-gr-d")],
            schools: [School("ros-gr-h", "ros-gr-d")],
            classes: [Class("ros-gr-c", "ros-gr-h", grade)]));

        await response.AssertFieldErrorAsync("classes[0].grade");
        await AssertNotFoundAsync("district:ros-gr-d", "class:ros-gr-c");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    public async Task A_class_grade_of_1_or_12_is_accepted(int grade)
    {
        var counts = await web.PutRosterAsync(Roster(
            districts: [District("ros-gr-ok-d")],
            schools: [School("ros-gr-ok-h", "ros-gr-ok-d")],
            classes: [Class($"ros-gr-ok-c{grade}", "ros-gr-ok-h", grade)]));
        Assert.Equal(1, counts.GetProperty("classes").GetInt32());
    }

    public static TheoryData<string, string?, string, string?, string> BadStaff => new()
    {
        { "unknown role", "Janitor", "city", StaffPassword, "staff[0].role" },
        { "role in camel case", "headTeacher", "class:ros-st-c", StaffPassword, "staff[0].role" },
        { "role as a number", "3", "class:ros-st-c", StaffPassword, "staff[0].role" },
        { "role missing", null, "class:ros-st-c", StaffPassword, "staff[0].role" },
        { "scope of no known kind", "HeadTeacher", "room:ros-st-c", StaffPassword, "staff[0].scope" },
        { "scope without an id", "HeadTeacher", "class", StaffPassword, "staff[0].scope" },
        { "scope with an empty id", "HeadTeacher", "class:", StaffPassword, "staff[0].scope" },
        { "scope with a bad id", "HeadTeacher", "class:ros st c", StaffPassword, "staff[0].scope" },
        { "scope in upper case", "Admin", "CITY", StaffPassword, "staff[0].scope" },
        { "scope that does not exist", "HeadTeacher", "class:ros-st-nowhere", StaffPassword, "staff[0].scope" },
        { "school scope that does not exist", "PsychTeacher", "school:ros-st-nowhere", StaffPassword, "staff[0].scope" },
        { "new account without a password", "HeadTeacher", "class:ros-st-c", null, "staff[0].password" },
        { "password of 3 characters", "HeadTeacher", "class:ros-st-c", "abc", "staff[0].password" },
    };

    [Theory]
    [MemberData(nameof(BadStaff))]
    public async Task A_bad_staff_row_is_refused(string because, string? role, string scope, string? password, string field)
    {
        await web.PutRosterAsync(Roster(
            districts: [District("ros-st-d")], schools: [School("ros-st-h", "ros-st-d")], classes: [Class("ros-st-c", "ros-st-h")]));

        var response = await PutAsync(Roster(
            districts: [District("ros-st-new-d")],
            staff: [new { id = "ros-st-new", name = "新老师", role, scope, password }]));

        await response.AssertFieldErrorAsync(field, because);
        await AssertNotFoundAsync("district:ros-st-new-d");
        Assert.Equal(HttpStatusCode.Unauthorized, (await LogInAsync("ros-st-new", password ?? StaffPassword)).StatusCode);
    }

    [Fact]
    public async Task A_staff_scope_may_name_a_node_created_in_the_same_request()
    {
        var counts = await web.PutRosterAsync(Roster(
            districts: [District("ros-same-d")],
            schools: [School("ros-same-h", "ros-same-d")],
            classes: [Class("ros-same-c", "ros-same-h")],
            staff: [Staff("ros-same-dc", "DistrictCenter", "district:ros-same-d"), Staff("ros-same-ht", "HeadTeacher", "class:ros-same-c")]));

        Assert.Equal(2, counts.GetProperty("staff").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await LogInAsync("ros-same-ht", StaffPassword)).StatusCode);
    }

    [Fact]
    public async Task A_class_cannot_move_to_another_school()
    {
        await web.PutRosterAsync(Roster(
            districts: [District("ros-cm-d")],
            schools: [School("ros-cm-h1", "ros-cm-d"), School("ros-cm-h2", "ros-cm-d")],
            classes: [Class("ros-cm-c", "ros-cm-h1")],
            students: [Student("ros-cm-s", "ros-cm-c")]));

        var response = await PutAsync(Roster(districts: [District("ros-cm-new-d")], classes: [Class("ros-cm-c", "ros-cm-h2")]));

        await response.AssertFieldErrorAsync("classes[0].schoolId");
        await AssertNotFoundAsync("district:ros-cm-new-d");
        Assert.Equal((1, 0, 0, 0), Counts(await StatusAsync("school:ros-cm-h1")));
        Assert.Equal((0, 0, 0, 0), Counts(await StatusAsync("school:ros-cm-h2")));
    }

    [Fact]
    public async Task A_student_moved_to_another_class_takes_their_tier_count_and_open_alert_along()
    {
        await web.PutRosterAsync(Roster(
            districts: [District("ros-mv-d1"), District("ros-mv-d2")],
            schools: [School("ros-mv-h1", "ros-mv-d1"), School("ros-mv-h2", "ros-mv-d2")],
            classes: [Class("ros-mv-c1", "ros-mv-h1"), Class("ros-mv-c2", "ros-mv-h2")],
            students: [Student("ros-mv-s1", "ros-mv-c1"), Student("ros-mv-s2", "ros-mv-c1"), Student("ros-mv-s3", "ros-mv-c2")]));
        var alertId = await web.RaiseRedAlertAsync("ros-mv-s1");
        string[] from = ["class:ros-mv-c1", "school:ros-mv-h1", "district:ros-mv-d1"];
        string[] to = ["class:ros-mv-c2", "school:ros-mv-h2", "district:ros-mv-d2"];
        foreach (var scope in from)
        {
            var status = await StatusAsync(scope);
            Assert.Equal((1, 0, 0, 1), Counts(status));
            Assert.Contains(alertId, status.GetProperty("openAlerts").Strings("alertId"));
        }

        foreach (var scope in to)
        {
            var status = await StatusAsync(scope);
            Assert.Equal((1, 0, 0, 0), Counts(status));
            Assert.Empty(status.GetProperty("openAlerts").EnumerateArray());
        }

        var cityBefore = Counts(await StatusAsync("city"));

        var counts = await web.PutRosterAsync(Roster(students: [Student("ros-mv-s1", "ros-mv-c2")]));

        Assert.Equal(1, counts.GetProperty("students").GetInt32());
        foreach (var scope in from)
        {
            var status = await StatusAsync(scope);
            Assert.True(Counts(status) == (1, 0, 0, 0), $"{scope} after the move: {status}");
            Assert.DoesNotContain(alertId, status.GetProperty("openAlerts").Strings("alertId"));
        }

        foreach (var scope in to)
        {
            var status = await StatusAsync(scope);
            Assert.True(Counts(status) == (1, 0, 0, 1), $"{scope} after the move: {status}");
            var alert = Assert.Single(status.GetProperty("openAlerts").EnumerateArray());
            Assert.Equal(alertId, alert.GetProperty("alertId").GetString());
            Assert.Equal(
                ("ros-mv-c2", "ros-mv-h2", "ros-mv-d2"),
                (alert.GetProperty("classId").GetString(), alert.GetProperty("schoolId").GetString(), alert.GetProperty("districtId").GetString()));
        }

        Assert.Equal(cityBefore, Counts(await StatusAsync("city")));
        using var admin = await web.ClientForAsync("admin");
        var archive = await (await admin.GetAsync("/api/students/ros-mv-s1")).JsonAsync();
        Assert.Equal("ros-mv-c2", archive.GetProperty("classId").GetString());
        Assert.Equal("Red", archive.GetProperty("tier").GetString());
    }

    [Fact]
    public async Task New_staff_sign_in_with_their_password_and_a_wrong_password_is_401()
    {
        await web.PutRosterAsync(Roster(
            districts: [District("ros-in-d")],
            schools: [School("ros-in-h", "ros-in-d")],
            classes: [Class("ros-in-c", "ros-in-h")],
            staff: [Staff("ros-in-ht", "HeadTeacher", "class:ros-in-c", password: "秘密-pass")]));

        var ok = await LogInAsync("ros-in-ht", "秘密-pass");
        var wrong = await LogInAsync("ros-in-ht", "pass-秘密");
        var nobody = await LogInAsync("ros-in-nobody", "秘密-pass");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var token = await ok.JsonAsync();
        Assert.Equal("HeadTeacher", token.GetProperty("role").GetString());
        Assert.Equal("class:ros-in-c", token.GetProperty("scope").GetString());
        Assert.True(token.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        using var client = web.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token.GetProperty("accessToken").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/scopes/class:ros-in-c")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
    }

    [Fact]
    public async Task Re_putting_staff_without_a_password_keeps_it_and_with_one_replaces_it()
    {
        await web.PutRosterAsync(Roster(
            districts: [District("ros-pw-d")],
            staff: [Staff("ros-pw-dc", "DistrictCenter", "district:ros-pw-d", password: "first-pw")]));

        await web.PutRosterAsync(Roster(staff: [Staff("ros-pw-dc", "DistrictCenter", "district:ros-pw-d", password: null, name: "改名")]));
        Assert.Equal(HttpStatusCode.OK, (await LogInAsync("ros-pw-dc", "first-pw")).StatusCode);

        await web.PutRosterAsync(Roster(staff: [Staff("ros-pw-dc", "DistrictCenter", "district:ros-pw-d", password: "second-pw")]));
        Assert.Equal(HttpStatusCode.Unauthorized, (await LogInAsync("ros-pw-dc", "first-pw")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LogInAsync("ros-pw-dc", "second-pw")).StatusCode);
    }

    [Theory]
    [InlineData("""{ }""", "userId")]
    [InlineData("""{ }""", "password")]
    [InlineData("""{ "password": "demo" }""", "userId")]
    [InlineData("""{ "userId": "admin" }""", "password")]
    [InlineData("""{ "userId": "", "password": "demo" }""", "userId")]
    [InlineData("""{ "userId": "admin", "password": "" }""", "password")]
    public async Task Signing_in_with_a_missing_field_is_a_400_naming_it(string body, string field)
    {
        using var client = web.CreateClient();
        var response = await client.PostAsync("/api/auth/token", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        await response.AssertFieldErrorAsync(field);
    }

    private async Task<HttpResponseMessage> PutAsync(object roster)
    {
        using var admin = await web.ClientForAsync("admin");
        return await admin.PutAsJsonAsync("/api/roster", roster);
    }

    private async Task<HttpResponseMessage> PutJsonAsync(string json)
    {
        using var admin = await web.ClientForAsync("admin");
        return await admin.PutAsync("/api/roster", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
    }

    private async Task<HttpResponseMessage> LogInAsync(string userId, string password)
    {
        using var client = web.CreateClient();
        return await client.PostAsJsonAsync("/api/auth/token", new { userId, password });
    }

    private async Task<JsonElement> StatusAsync(string scope)
    {
        using var admin = await web.ClientForAsync("admin");
        var response = await admin.GetAsync($"/api/scopes/{scope}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{scope}: {(int)response.StatusCode}");
        return await response.JsonAsync();
    }

    private async Task AssertNotFoundAsync(params string[] scopes)
    {
        using var admin = await web.ClientForAsync("admin");
        foreach (var scope in scopes)
        {
            var response = await admin.GetAsync($"/api/scopes/{scope}");
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{scope} was stored: {(int)response.StatusCode}");
        }
    }

    private static (int Green, int Yellow, int Orange, int Red) Counts(JsonElement status)
    {
        var counts = status.GetProperty("counts");
        return (counts.GetProperty("Green").GetInt32(), counts.GetProperty("Yellow").GetInt32(),
            counts.GetProperty("Orange").GetInt32(), counts.GetProperty("Red").GetInt32());
    }
}
