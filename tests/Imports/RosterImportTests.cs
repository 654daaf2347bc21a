using static MonitorGrid.Tests.Api.ApiTestSupport;
using static MonitorGrid.Tests.Imports.ImportTestSupport;

namespace MonitorGrid.Tests.Imports;

/// <summary>
/// Student and staff imports over real HTTP: units created from the file's lineage columns, the roster
/// API's rules row by row, duplicates, re-import, Chinese role titles. Own ids (<c>ri-</c>).
/// </summary>
[Collection(WebCollection.Name)]
public sealed class RosterImportTests(GridWebFactory web)
{
    private const string Header = "学号,姓名,性别,班级编号,班级名称,年级,学校编号,学校名称,区编号,区名称,关爱类别,成长导师";

    [Fact]
    public async Task A_chinese_roster_with_its_lineage_creates_district_school_and_classes_and_every_level_counts_the_students()
    {
        using var admin = await web.ClientForAsync("admin");
        var file = Gb18030(CsvLines(
            Header,
            "ri-a1,张一,男,ri-a-c1,七(1)班,7,ri-a-h,第一中学,ri-a-d,新区,留守儿童,ri-a-mentor",
            "ri-a2,张二,女,ri-a-c1,七(1)班,7,ri-a-h,第一中学,ri-a-d,新区,,",
            "ri-a3,张三,,ri-a-c2,八(2)班,8,ri-a-h,第一中学,ri-a-d,新区,单亲或离异家庭、EconomicHardship,",
            "ri-a4,张四,F,ri-a-c2,,,,,,,,"));

        var job = await admin.ImportAsync("Students", file, "名册.csv");

        Assert.Equal(("Completed", "gb18030"), (job.Text("state"), job.Text("encodingUsed")));
        Assert.Equal((4L, 0L, 0L), job.Outcome());
        var district = await admin.GetFromJsonAsync<JsonElement>("/api/scopes/district:ri-a-d");
        Assert.Equal(("新区", 4), (district.Text("name"), district.GetProperty("counts").GetProperty("Green").GetInt32()));
        Assert.Equal(2, (await admin.GetFromJsonAsync<JsonElement>("/api/scopes/class:ri-a-c2")).GetProperty("counts").GetProperty("Green").GetInt32());
        Assert.Equal("八(2)班", (await admin.GetFromJsonAsync<JsonElement>("/api/scopes/class:ri-a-c2")).Text("name"));
        var first = await admin.GetFromJsonAsync<JsonElement>("/api/students/ri-a1");
        Assert.Equal(("张一", "M", "ri-a-mentor"), (first.Text("name"), first.Text("gender"), first.Text("mentorId")));
        Assert.Equal(["LeftBehind"], first.GetProperty("focusGroups").EnumerateArray().Select(g => g.GetString()));
        var third = await admin.GetFromJsonAsync<JsonElement>("/api/students/ri-a3");
        Assert.Equal(["SingleParent", "EconomicHardship"], third.GetProperty("focusGroups").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task Each_bad_student_row_is_refused_whole_with_its_column_and_the_rest_of_the_file_goes_in()
    {
        await web.PutRosterAsync(Roster(
            districts: [District("ri-b-d")], schools: [School("ri-b-h", "ri-b-d"), School("ri-b-h2", "ri-b-d")],
            classes: [Class("ri-b-c1", "ri-b-h")]));
        using var admin = await web.ClientForAsync("admin");
        var file = Utf8(CsvLines(
            "学号,姓名,性别,班级编号,班级名称,年级,学校编号",
            "ri-b1,好一,男,ri-b-c1,,,",                    // 2: good, existing class
            "ri-b2,坏二,男,ri-b-none,,,",                  // 3: class does not exist
            "ri-b3,坏三,X,ri-b-c1,,,",                     // 4: gender
            "ri-b4,坏四,女,ri-b-c9,九(9)班,9,ri-b-nope",    // 5: its class's school does not exist
            "ri-b5,坏五,女,ri-b-c1,一(1)班,7,ri-b-h2",      // 6: would move class c1 to another school
            "ri-b6,好六,女,ri-b-c2,七(2)班,7,ri-b-h",       // 7: good, creates c2
            "ri-b7,坏七,女,ri-b-c2,七(二)班,7,ri-b-h",      // 8: defines c2 differently from row 7
            "ri-b1,重一,男,ri-b-c1,,,",                    // 9: the same student again
            "ri b8,坏八,男,ri-b-c1,,,",                    // 10: id with a space
            ",,男,ri-b-c1,,,"),                              // 11: no id, no name
            bom: true);

        var job = await admin.ImportAsync("Students", file);

        Assert.Equal((2L, 0L, 8L), job.Outcome());
        var errors = await admin.ErrorsAsync(job);
        Assert.Equal([3, 4, 5, 6, 8, 9, 10, 11], errors.Select(e => e.Row).Distinct().Order());
        Assert.Contains(errors, e => e is { Row: 3, Column: "班级编号" } && e.Reason.Contains("不存在", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is { Row: 4, Column: "性别" });
        Assert.Contains(errors, e => e is { Row: 5, Column: "学校编号" } && e.Reason.Contains("ri-b-nope", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is { Row: 6, Column: "学校编号" } && e.Reason.Contains("不能改", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is { Row: 8, Column: "班级名称" } && e.Reason.Contains("第 7 行", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is { Row: 9, Column: "学号" } && e.Reason.Contains("第 2 行", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is { Row: 10, Column: "学号" });
        Assert.Contains(errors, e => e is { Row: 11, Column: "姓名" });
        Assert.Equal(2, (await admin.GetFromJsonAsync<JsonElement>("/api/scopes/school:ri-b-h")).GetProperty("counts").GetProperty("Green").GetInt32());
        Assert.Equal("ri-b-h", (await admin.GetFromJsonAsync<JsonElement>("/api/students/ri-b1")).Text("schoolId"));
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("/api/scopes/school:ri-b-h2")).GetProperty("counts").GetProperty("Green").GetInt32());
        await (await admin.GetAsync("/api/students/ri-b5")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Importing_the_same_roster_again_changes_nothing_and_a_changed_row_is_the_only_one_applied()
    {
        using var admin = await web.ClientForAsync("admin");
        string[] rows =
        [
            Header,
            "ri-c1,李一,男,ri-c-c1,七(1)班,7,ri-c-h,三中,ri-c-d,东区,,",
            "ri-c2,李二,女,ri-c-c1,七(1)班,7,ri-c-h,三中,ri-c-d,东区,留守儿童,",
        ];
        await admin.ImportAsync("Students", Utf8(CsvLines(rows)));

        var again = await admin.ImportAsync("Students", Utf8(CsvLines(rows)));
        var changed = await admin.ImportAsync("Students", Utf8(CsvLines(rows[0], rows[1], rows[2].Replace("李二", "李贰", StringComparison.Ordinal))));

        Assert.Equal((0L, 2L, 0L), again.Outcome());
        Assert.Equal((1L, 1L, 0L), changed.Outcome());
        Assert.Equal("李贰", (await admin.GetFromJsonAsync<JsonElement>("/api/students/ri-c2")).Text("name"));
        Assert.Equal(2, (await admin.GetFromJsonAsync<JsonElement>("/api/scopes/district:ri-c-d")).GetProperty("counts").GetProperty("Green").GetInt32());
    }

    [Fact]
    public async Task Staff_are_imported_with_chinese_role_titles_can_sign_in_and_bad_rows_are_refused_with_reasons()
    {
        await web.PutRosterAsync(Roster(districts: [District("ri-s-d")], schools: [School("ri-s-h", "ri-s-d")], classes: [Class("ri-s-c", "ri-s-h")]));
        using var admin = await web.ClientForAsync("admin");
        var file = Utf8(CsvLines(
            "工号,姓名,角色,范围,初始密码",
            "ri-s-ht,王老师,班主任,class:ri-s-c,secret-1",
            "ri-s-psy,赵老师,PsychTeacher,school:ri-s-h,secret-2",
            "ri-s-x,钱老师,校长,school:ri-s-h,secret-3",
            "ri-s-y,孙老师,心理教师,school:ri-s-nowhere,secret-4",
            "ri-s-z,周老师,心理教师,school:ri-s-h,",
            "ri-s-ht,吴老师,班主任,class:ri-s-c,secret-5"));

        var job = await admin.ImportAsync("Staff", file);
        var again = await admin.ImportAsync("Staff", Utf8(CsvLines("工号,姓名,角色,范围,初始密码", "ri-s-ht,王老师,班主任,class:ri-s-c,secret-1")));

        Assert.Equal((2L, 0L, 4L), job.Outcome());
        var errors = await admin.ErrorsAsync(job);
        Assert.Contains(errors, e => e is { Row: 4, Column: "角色" });
        Assert.Contains(errors, e => e is { Row: 5, Column: "范围" } && e.Reason.Contains("不存在", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is { Row: 6, Column: "初始密码" });
        Assert.Contains(errors, e => e is { Row: 7, Column: "工号" } && e.Reason.Contains("第 2 行", StringComparison.Ordinal));
        Assert.Equal((0L, 1L, 0L), again.Outcome());
        var token = await admin.PostAsJsonAsync("/api/auth/token", new { userId = "ri-s-ht", password = "secret-1" });
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.Equal(("HeadTeacher", "class:ri-s-c"), ((await token.JsonAsync()).Text("role"), (await token.JsonAsync()).Text("scope")));
    }
}
