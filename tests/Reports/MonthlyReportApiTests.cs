using System.Text;
using static MonitorGrid.Tests.Api.ApiTestSupport;

namespace MonitorGrid.Tests.Reports;

/// <summary>
/// <c>GET /api/reports/monthly</c> over real HTTP: the CSV download, who may ask for which scope, and the 400s.
/// Own roster (<c>rq-</c>): district <c>rq-d</c> → school <c>rq-h</c> (a name with a comma and quotes) → class
/// <c>rq-c</c> (rq-s1..rq-s3); district <c>rq-d2</c> → school <c>rq-h2</c>. Month 2025-01 is before anything
/// happened to them: every student is Green and every count 0.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class Monthly_report_api_answers_json_and_csv_to_the_roles_that_may_read_it(GridWebFactory web)
{
    private const string SchoolName = "一中,东\"校区\"";

    private Task EnsureRosterAsync() => web.PutRosterAsync(Roster(
        districts: [District("rq-d", "报表区"), District("rq-d2", "另一区")],
        schools: [School("rq-h", "rq-d", SchoolName), School("rq-h2", "rq-d2")],
        classes: [Class("rq-c", "rq-h")],
        students: [Student("rq-s1", "rq-c"), Student("rq-s2", "rq-c"), Student("rq-s3", "rq-c")],
        staff:
        [
            Staff("rq-psy", "PsychTeacher", "school:rq-h"), Staff("rq-lead", "SchoolLead", "school:rq-h"),
            Staff("rq-dc", "DistrictCenter", "district:rq-d"), Staff("rq-dc2", "DistrictCenter", "district:rq-d2"),
            Staff("rq-city", "CityBureau", "city"), Staff("rq-ht", "HeadTeacher", "class:rq-c"),
            Staff("rq-mentor", "Mentor", "school:rq-h"), Staff("rq-st", "SubjectTeacher", "class:rq-c"),
            Staff("rq-cm", "CommitteeMember", "class:rq-c"), Staff("rq-safety", "SafetyOfficer", "school:rq-h"),
        ]));

    private async Task<HttpClient> AsAsync(string userId) =>
        userId == "admin" ? await web.ClientForAsync("admin") : await web.ClientForAsync(userId, StaffPassword);

    [Fact]
    public async Task The_csv_is_utf8_with_a_bom_crlf_quoted_chinese_and_downloads_under_a_chinese_name()
    {
        await EnsureRosterAsync();
        using var district = await AsAsync("rq-dc");

        var response = await district.GetAsync("/api/reports/monthly?scope=school:rq-h&month=2025-01&format=csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("text/csv", "utf-8"), (response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentType?.CharSet));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", text.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var rows = text[..^2].Split("\r\n");
        Assert.Equal(
            [
                "分类,指标,数值",
                "报告,单位,\"一中,东\"\"校区\"\"\"",
                "报告,范围,school:rq-h",
                "报告,月份,2025-01",
                "报告,时区,Asia/Shanghai",
                "报告,开始（北京时间）,2025-01-01 00:00",
                "报告,结束（北京时间，不含）,2025-02-01 00:00",
                "报告,统计截至（北京时间）,2025-02-01 00:00",
                "报告,月份已结束,是",
                "学生,学生数,3",
                "月末各等级人数,正常,3",
                "月末各等级人数,关注,0",
            ],
            rows[..12]);
        Assert.Contains("本月上报,自伤迹象,0", rows);
        Assert.Contains("本月预警,按时确认率,无预警", rows);
        Assert.Contains("休学复学,月末休学中,0", rows);
        Assert.All(rows, row => Assert.Equal(3, CsvFields(row)));

        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal("monthly-report-school-rq-h-2025-01.csv", disposition.FileName?.Trim('"'));
        // The quote in the school's name may not be in a file name: it becomes _.
        Assert.Equal("月报-一中,东_校区_-2025-01.csv", disposition.FileNameStar);
        Assert.Contains("filename*=UTF-8''%E6%9C%88%E6%8A%A5-", response.Content.Headers.GetValues("Content-Disposition").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_is_the_default_and_psychology_teachers_leads_district_centres_the_city_bureau_and_admin_may_read()
    {
        await EnsureRosterAsync();
        foreach (var user in new[] { "rq-psy", "rq-lead", "rq-dc", "rq-city", "admin" })
        {
            using var client = await AsAsync(user);
            var response = await client.GetAsync("/api/reports/monthly?scope=school:rq-h&month=2025-01");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{user}: {(int)response.StatusCode} {body}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var report = JsonDocument.Parse(body).RootElement;
            Assert.Equal(("school:rq-h", SchoolName, "2025-01", 3, true),
                (report.GetProperty("scope").GetString(), report.GetProperty("name").GetString(), report.GetProperty("month").GetString(),
                 report.GetProperty("students").GetInt32(), report.GetProperty("complete").GetBoolean()));
            Assert.Equal("2024-12-31T16:00:00Z", report.GetProperty("from").GetString());
            Assert.Equal(JsonValueKind.Null, report.GetProperty("alerts").GetProperty("shareWithinSla").ValueKind);
        }

        using var dc = await AsAsync("rq-dc");
        var ofDistrict = await (await dc.GetAsync("/api/reports/monthly?scope=district:rq-d&month=2025-01&format=json")).JsonAsync();
        Assert.Equal(("district:rq-d", "报表区", 3), (ofDistrict.GetProperty("scope").GetString(), ofDistrict.GetProperty("name").GetString(), ofDistrict.GetProperty("students").GetInt32()));
    }

    [Fact]
    public async Task Roles_without_reports_are_forbidden_and_so_is_a_scope_outside_the_callers()
    {
        await EnsureRosterAsync();
        foreach (var user in new[] { "rq-cm", "rq-safety", "rq-st", "rq-ht", "rq-mentor" })
        {
            using var client = await AsAsync(user);
            await (await client.GetAsync("/api/reports/monthly?scope=school:rq-h&month=2025-01")).AssertProblemAsync(HttpStatusCode.Forbidden, user);
        }

        using var otherDistrict = await AsAsync("rq-dc2");
        await (await otherDistrict.GetAsync("/api/reports/monthly?scope=school:rq-h&month=2025-01")).AssertProblemAsync(HttpStatusCode.Forbidden, "another district's school");
        using var psych = await AsAsync("rq-psy");
        await (await psych.GetAsync("/api/reports/monthly?scope=district:rq-d&month=2025-01")).AssertProblemAsync(HttpStatusCode.Forbidden, "the school's own district");
        await (await psych.GetAsync("/api/reports/monthly?scope=school:rq-h2&month=2025-01&format=csv")).AssertProblemAsync(HttpStatusCode.Forbidden, "another school");
        await (await psych.GetAsync("/api/reports/monthly?scope=school:rq-nowhere&month=2025-01")).AssertProblemAsync(HttpStatusCode.NotFound, "an unknown school");
        using var anonymous = web.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/reports/monthly?scope=school:rq-h&month=2025-01")).StatusCode);
    }

    [Fact]
    public async Task A_class_or_city_scope_a_malformed_or_future_month_and_an_unknown_format_are_400s_naming_the_field()
    {
        await EnsureRosterAsync();
        using var admin = await AsAsync("admin");
        foreach (var scope in new[] { "class:rq-c", "city", "student:rq-s1", "school", "nonsense" })
        {
            await (await admin.GetAsync($"/api/reports/monthly?scope={scope}&month=2025-01")).AssertFieldErrorAsync("scope", scope);
        }

        await (await admin.GetAsync("/api/reports/monthly?month=2025-01")).AssertFieldErrorAsync("scope", "no scope");
        foreach (var month in new[] { "2025-13", "2025-1", "2025-01-01", "01-2025", "1999-12", "soon" })
        {
            await (await admin.GetAsync($"/api/reports/monthly?scope=school:rq-h&month={month}")).AssertFieldErrorAsync("month", month);
        }

        await (await admin.GetAsync("/api/reports/monthly?scope=school:rq-h")).AssertFieldErrorAsync("month", "no month");
        await (await admin.GetAsync("/api/reports/monthly?scope=school:rq-h&month=2999-01")).AssertFieldErrorAsync("month", "a future month");
        await (await admin.GetAsync("/api/reports/monthly?scope=school:rq-h&month=2025-01&format=xlsx")).AssertFieldErrorAsync("format");

        // The committee member's 403 comes before any judgement of the query.
        using var committee = await AsAsync("rq-cm");
        await (await committee.GetAsync("/api/reports/monthly?scope=class:rq-c&month=soon")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_openapi_document_names_the_monthly_report()
    {
        using var anonymous = web.CreateClient();
        var paths = (await (await anonymous.GetAsync("/openapi/v1.json")).JsonAsync()).GetProperty("paths");

        var operation = paths.GetProperty("/api/reports/monthly").GetProperty("get");
        Assert.Equal("GetMonthlyReport", operation.GetProperty("operationId").GetString());
        var ok = operation.GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(ok.TryGetProperty("application/json", out _), ok.ToString());
        Assert.True(ok.TryGetProperty("text/csv", out _), ok.ToString());
        Assert.Equal(["scope", "month", "format"], operation.GetProperty("parameters").Strings("name"));
    }

    /// <summary>How many fields an RFC 4180 row has (commas inside quotes do not count).</summary>
    private static int CsvFields(string row)
    {
        var fields = 1;
        var quoted = false;
        foreach (var c in row)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields++;
            }
        }

        return fields;
    }
}
