using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using static MonitorGrid.Tests.Api.ApiTestSupport;
using static MonitorGrid.Tests.Imports.ImportTestSupport;

namespace MonitorGrid.Tests.Imports;

/// <summary>
/// Screening imports over real HTTP on the in-memory host: encodings, header languages, every kind of bad
/// row, duplicates, re-import, roles and scope, cancellation and live progress. Own roster (<c>si-</c>):
/// school <c>si-h</c> (class si-c1: si-s1 … si-s8; psychology teacher si-psy) and school <c>si-h2</c> (si-t1).
/// </summary>
[Collection(WebCollection.Name)]
public sealed class ScreeningImportTests(GridWebFactory web)
{
    private const string Header = "学号,量表,测评日期,第1题,第2题,第3题,第4题,第5题,第6题,第7题,第8题,第9题,总分";

    private Task EnsureRosterAsync() => web.PutRosterAsync(Roster(
        districts: [District("si-d")],
        schools: [School("si-h", "si-d"), School("si-h2", "si-d")],
        classes: [Class("si-c1", "si-h"), Class("si-c2", "si-h2")],
        students: [.. Enumerable.Range(1, 8).Select(i => Student($"si-s{i}", "si-c1")), Student("si-t1", "si-c2")],
        staff: [Staff("si-psy", "PsychTeacher", "school:si-h"), Staff("si-ht", "HeadTeacher", "class:si-c1"), Staff("si-psy2", "PsychTeacher", "school:si-h2")]));

    private async Task<HttpClient> AsAsync(string userId) => await web.ClientForAsync(userId, StaffPassword);

    [Fact]
    public async Task A_chinese_header_utf8_file_with_a_bom_is_scored_row_by_row_and_lifts_tiers_alerts_and_counts()
    {
        await EnsureRosterAsync();
        using var psych = await AsAsync("si-psy");
        var file = Utf8(CsvLines(
            Header,
            "si-s1,PHQ-9,2026-09-15,2,2,2,2,2,1,1,0,0,12",
            "si-s2,PHQ-9,2026-09-15,0,0,0,0,0,0,0,0,1,1",
            "si-s3,GAD-7,2026-09-15,3,3,3,2,2,1,1,,,15",
            "si-s4,PHQ-9,2026-09-15,1,1,1,0,0,0,0,0,0,3"), bom: true);

        var job = await psych.ImportAsync("Screening", file, "九月普查.csv");

        Assert.Equal(("Completed", "utf-8"), (job.Text("state"), job.Text("encodingUsed")));
        Assert.Equal((4L, 0L, 0L), job.Outcome());
        Assert.Equal(3L, job.Long("tiersRaised"));
        Assert.Equal(["Yellow", "Red", "Orange", "Green"], await TiersAsync(psych, "si-s1", "si-s2", "si-s3", "si-s4"));
        var red = await psych.GetFromJsonAsync<JsonElement>("/api/students/si-s2");
        var alert = red.GetProperty("alerts")[0];
        Assert.Equal(("Red", "SelfHarm"), (alert.Text("tier"), alert.Text("category")));
        var screening = red.GetProperty("screenings")[0];
        Assert.Equal(("PHQ-9", "2026-09-15", 1, "None"), (screening.Text("instrument"), screening.Text("takenOn"), screening.GetProperty("total").GetInt32(), screening.Text("band")));
        Assert.Equal(9, screening.GetProperty("criticalItems")[0].GetInt32());
    }

    [Fact]
    public async Task An_english_header_in_another_order_case_and_spacing_without_a_bom_reads_the_same()
    {
        await EnsureRosterAsync();
        using var psych = await AsAsync("si-psy");
        var file = Utf8(CsvLines(
            "Taken On, INSTRUMENT ,Student_ID,Q1,Q2,Q3,Q4,Q5,Q6,Q7,Remarks",
            "2026/9/16,gad7,si-s5,2,2,2,2,1,1,0,ok"));

        var job = await psych.ImportAsync("Screening", file);

        Assert.Equal((1L, 0L, 0L), job.Outcome());
        Assert.Equal(["Remarks"], job.GetProperty("ignoredColumns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["Yellow"], await TiersAsync(psych, "si-s5"));
    }

    [Fact]
    public async Task A_gb18030_file_as_chinese_excel_saves_it_is_detected_and_its_chinese_header_read()
    {
        await EnsureRosterAsync();
        using var psych = await AsAsync("si-psy");
        var file = Gb18030(CsvLines(
            "学号,量表,测评日期,第1题,第2题,第3题,第4题,第5题,第6题,第7题,备注",
            "si-s6,焦虑量表,2026年9月17日,3,3,3,3,3,1,0,复评"));

        var job = await psych.ImportAsync("Screening", file);

        Assert.Equal(("Completed", "gb18030"), (job.Text("state"), job.Text("encodingUsed")));
        Assert.Equal((1L, 0L, 0L), job.Outcome());
        Assert.Equal(["备注"], job.GetProperty("ignoredColumns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["Orange"], await TiersAsync(psych, "si-s6"));
    }

    [Fact]
    public async Task Every_kind_of_bad_row_is_refused_with_its_row_column_and_reason_and_the_good_rows_still_go_in()
    {
        await EnsureRosterAsync();
        using var psych = await AsAsync("si-psy");
        var future = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var file = Utf8(CsvLines(
            Header,
            ",PHQ-9,2026-09-15,0,0,0,0,0,0,0,0,0,",                // 2: no student id
            "si s7,PHQ-9,2026-09-15,0,0,0,0,0,0,0,0,0,",           // 3: id with a space
            "si-nobody,PHQ-9,2026-09-15,0,0,0,0,0,0,0,0,0,",       // 4: not in the roster
            "si-t1,PHQ-9,2026-09-15,0,0,0,0,0,0,0,0,0,",           // 5: another school's student
            "si-s7,BDI-2,2026-09-15,0,0,0,0,0,0,0,0,0,",           // 6: unknown instrument
            "si-s7,PHQ-9,15/09/2026,0,0,0,0,0,0,0,0,0,",           // 7: date format
            $"si-s7,PHQ-9,{future},0,0,0,0,0,0,0,0,0,",            // 8: taken in the future
            "si-s7,PHQ-9,2026-09-15,4,0,0,0,0,0,0,0,0,",           // 9: answer above 3
            "si-s7,PHQ-9,2026-09-15,x,0,0,0,0,0,0,0,0,",           // 10: answer not a number
            "si-s7,PHQ-9,2026-09-15,0,0,0,0,0,0,0,0,,",            // 11: item 9 missing
            "si-s7,GAD-7,2026-09-15,0,0,0,0,0,0,0,1,,",            // 12: GAD-7 has no item 8
            "si-s7,PHQ-9,2026-09-15,1,1,1,0,0,0,0,0,0,5",          // 13: total 5 is not 3
            "si-s7,PHQ-9,2026-09-15,0,0,0,0,0,0,0,0,0,,extra",     // 14: more cells than the header
            "si-s8,PHQ-9,2026-09-20,2,2,2,2,2,0,0,0,0,10"));       // 15: good

        var job = await psych.ImportAsync("Screening", file);

        Assert.Equal((1L, 0L, 13L), job.Outcome());
        var errors = await psych.ErrorsAsync(job);
        (int Row, string? Column)[] expected =
        [
            (2, "学号"), (3, "学号"), (4, "学号"), (5, "学号"), (6, "量表"), (7, "测评日期"), (8, "测评日期"),
            (9, "第1题"), (10, "第1题"), (11, "第9题"), (12, "第8题"), (13, "总分"), (14, null),
        ];
        Assert.Equal(expected, errors.Select(e => (e.Row, e.Column)).OrderBy(e => e.Row));
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));
        Assert.Contains("不存在", errors.Single(e => e.Row == 4).Reason, StringComparison.Ordinal);
        Assert.Contains("范围", errors.Single(e => e.Row == 5).Reason, StringComparison.Ordinal);
        Assert.Equal(["Yellow", "Green"], await TiersAsync(psych, "si-s8", "si-s7"));

        // The report downloads as a CSV Excel opens: BOM, Chinese header, CRLF, one line per refused cell.
        var csv = await psych.GetAsync($"/api/imports/{job.Text("importId")}/errors");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("行号,列,原因,内容", lines[0]);
        Assert.Equal(errors.Length + 1, lines.Length);
        Assert.StartsWith("9,第1题,", lines.Single(l => l.StartsWith("9,", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("test-errors.csv", csv.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_duplicate_row_is_refused_after_the_first_and_importing_the_file_again_changes_nothing()
    {
        await EnsureRosterAsync();
        using var psych = await AsAsync("si-psy");
        var file = Utf8(CsvLines(
            Header,
            "si-s7,PHQ-9,2026-03-10,2,2,2,2,2,2,0,0,0,12",
            "si-s7,PHQ-9,2026-03-10,2,2,2,2,2,2,0,0,0,12",
            "si-s7,GAD-7,2026-03-10,0,0,0,0,0,0,0,,,0",
            "si-s7,GAD-7,2026-03-10,0,0,0,0,0,0,0,,,0"));

        var first = await psych.ImportAsync("Screening", file);
        var archiveBefore = await psych.GetFromJsonAsync<JsonElement>("/api/students/si-s7");
        var again = await psych.ImportAsync("Screening", file);
        var archiveAfter = await psych.GetFromJsonAsync<JsonElement>("/api/students/si-s7");

        // Row 3 repeats row 2 (a Yellow result, through the grain); row 5 repeats row 4 (a Green one, stored in bulk).
        Assert.Equal((2L, 0L, 2L), first.Outcome());
        var duplicates = (await psych.ErrorsAsync(first)).OrderBy(e => e.Row).ToArray();
        Assert.Equal([3, 5], duplicates.Select(d => d.Row));
        Assert.Contains("第 2 行", duplicates[0].Reason, StringComparison.Ordinal);
        Assert.Contains("第 4 行", duplicates[1].Reason, StringComparison.Ordinal);
        Assert.True(again.Outcome() == (0L, 4L, 0L), again.GetRawText());
        Assert.Empty(await psych.ErrorsAsync(again));
        Assert.Equal(2, archiveAfter.GetProperty("screenings").GetArrayLength());
        Assert.Equal(archiveBefore.GetProperty("alerts").GetRawText(), archiveAfter.GetProperty("alerts").GetRawText());
    }

    [Fact]
    public async Task A_file_missing_a_required_column_or_naming_one_twice_is_refused_with_400_before_any_row()
    {
        await EnsureRosterAsync();
        using var psych = await AsAsync("si-psy");
        var created = await psych.CreateImportAsync("Screening");
        var id = created.Text("importId");

        var response = await psych.UploadAsync(id, CsvContent(Utf8(CsvLines("学号,studentId,测评日期,第1题", "si-s1,si-s1,2026-09-15,3"))));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("量表", out _), errors.GetRawText());
        Assert.Contains(errors.EnumerateObject(), e => e.Value.GetRawText().Contains("重复", StringComparison.Ordinal));
        var job = await psych.GetFromJsonAsync<JsonElement>($"/api/imports/{id}");
        Assert.Equal(("Failed", 0L), (job.Text("state"), job.Long("rowsRead")));

        // A job takes its file once.
        var second = await psych.UploadAsync(id, CsvContent(Utf8(CsvLines(Header))));
        await second.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Screening_is_imported_by_psychology_teachers_and_admins_rosters_by_admins_and_a_job_is_seen_by_its_creator()
    {
        await EnsureRosterAsync();
        using var teacher = await AsAsync("si-ht");
        using var psych = await AsAsync("si-psy");
        using var other = await AsAsync("si-psy2");

        await (await teacher.PostAsJsonAsync("/api/imports", new { kind = "Screening" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await psych.PostAsJsonAsync("/api/imports", new { kind = "Students" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await psych.PostAsJsonAsync("/api/imports", new { kind = "Grades" })).AssertFieldErrorAsync("kind");
        await (await psych.PostAsJsonAsync("/api/imports", new { kind = "Screening", encoding = "latin1" })).AssertFieldErrorAsync("encoding");

        var job = await psych.CreateImportAsync("Screening");
        var id = job.Text("importId");
        await (await other.GetAsync($"/api/imports/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.UploadAsync(id, CsvContent(Utf8(CsvLines(Header))))).AssertProblemAsync(HttpStatusCode.NotFound);
        using var admin = await web.ClientForAsync("admin");
        Assert.Equal("Waiting", (await admin.GetFromJsonAsync<JsonElement>($"/api/imports/{id}")).Text("state"));
        await (await admin.UploadAsync(id, CsvContent(Utf8(CsvLines(Header))))).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains(await psych.GetFromJsonAsync<JsonElement[]>("/api/imports") ?? [], j => j.Text("importId") == id);
        Assert.DoesNotContain(await other.GetFromJsonAsync<JsonElement[]>("/api/imports") ?? [], j => j.Text("importId") == id);
    }

    [Fact]
    public async Task A_watcher_hears_progress_and_always_the_final_state_over_the_hub()
    {
        await EnsureRosterAsync();
        using var psych = await AsAsync("si-psy");
        var job = await psych.CreateImportAsync("Screening");
        var id = job.Text("importId");
        await using var board = await web.BoardForAsync("si-psy", StaffPassword);

        var watched = await board.Connection.InvokeAsync<ImportJob>("WatchImport", id);
        var upload = await psych.UploadAsync(id, CsvContent(Utf8(CsvLines(Header, "si-s8,GAD-7,2026-09-21,1,1,1,1,1,1,1,,,7"), bom: true)));

        Assert.Equal(ImportState.Waiting, watched.State);
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        await board.WaitUntilAsync(b => b.Imports.Any(j => j.State == ImportState.Completed), what: "the final state of the import");
        var final = board.Imports.Last(j => j.State == ImportState.Completed);
        Assert.Equal((id, 1L), (final.ImportId, final.RowsApplied + final.RowsUnchanged));
        await using var stranger = await web.BoardForAsync("si-psy2", StaffPassword);
        await Assert.ThrowsAsync<HubException>(() => stranger.Connection.InvokeAsync<ImportJob>("WatchImport", id));
    }

    private static async Task<string[]> TiersAsync(HttpClient client, params string[] students)
    {
        var tiers = new List<string>();
        foreach (var student in students)
        {
            tiers.Add((await client.GetFromJsonAsync<JsonElement>($"/api/students/{student}")).Text("tier"));
        }

        return [.. tiers];
    }
}
