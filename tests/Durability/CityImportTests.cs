using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;
using static MonitorGrid.Tests.Imports.ImportTestSupport;

namespace MonitorGrid.Tests.Durability;

/// <summary>
/// A city-sized import through the real API against real PostgreSQL: 100,000 students from one roster
/// file, then 100,000 PHQ-9 results, and every level's counts checked against the tiers the file implies;
/// then the same screening file again, which must change nothing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CityImportTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const int Districts = 2;
    private const int SchoolsPerDistrict = 10;
    private const int ClassesPerSchool = 25;
    private const int StudentsPerClass = 200;
    private const int Students = Districts * SchoolsPerDistrict * ClassesPerSchool * StudentsPerClass;

    [Fact]
    public async Task A_hundred_thousand_row_roster_and_screening_import_count_right_at_every_level_and_a_second_import_changes_nothing()
    {
        Assert.Equal(100_000, Students);
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var host = await DurableGridHost.StartAsync(connectionString);
        using var admin = await host.AdminClientAsync();
        admin.Timeout = TimeSpan.FromMinutes(10);

        var clock = Stopwatch.StartNew();
        var roster = await admin.ImportAsync("Students", RosterFile(), "全市名册.csv");
        output.WriteLine($"roster: {roster.GetRawText()} in {clock.Elapsed}");
        Assert.Equal(("Completed", Students, 0L, 0L), (roster.Text("state"), roster.Long("rowsApplied"), roster.Long("rowsUnchanged"), roster.Long("rowsFailed")));

        clock.Restart();
        var screening = await admin.ImportAsync("Screening", ScreeningFile(), "九月普查.csv");
        output.WriteLine($"screening: {screening.GetRawText()} in {clock.Elapsed}");
        Assert.Equal(("Completed", Students, 0L, 0L), (screening.Text("state"), screening.Long("rowsApplied"), screening.Long("rowsUnchanged"), screening.Long("rowsFailed")));
        var expected = Enumerable.Range(0, Students).ToDictionary(StudentId, ExpectedTier);
        Assert.Equal(expected.Values.Count(t => t != Tier.Green), screening.Long("tiersRaised"));

        // Every level: the city, each district, each school and each class, against the file's own tiers.
        foreach (var (scope, members) in Scopes())
        {
            var counts = members.Aggregate(TierCounts.Zero, (c, student) => c.With(expected[student], 1));
            var status = await admin.GetFromJsonAsync<JsonElement>($"/api/scopes/{scope}");
            Assert.Equal((scope, counts), (scope, status.GetProperty("counts").Deserialize<TierCounts>(DurableCity.Wire)));
        }

        var stored = await Sql.RowsAsync(connectionString, "SELECT tier, count(*) FROM grid_student_status GROUP BY tier ORDER BY tier");
        Assert.Equal(
            expected.Values.GroupBy(t => t).OrderBy(g => g.Key).Select(g => ((short)g.Key, (long)g.Count())),
            stored.Select(r => ((short)r[0]!, (long)r[1]!)));
        Assert.Equal((long)expected.Values.Count(t => t == Tier.Red),
            await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM grid_student_status WHERE open_alert->>'category' = 'SelfHarm'"));

        clock.Restart();
        var again = await admin.ImportAsync("Screening", ScreeningFile(), "九月普查.csv");
        output.WriteLine($"again: {again.GetRawText()} in {clock.Elapsed}");
        Assert.Equal((0L, (long)Students, 0L), again.Outcome());
        Assert.Equal((long)Students, await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM grid_student_events WHERE kind = 'Screening'"));
    }

    private static string StudentId(int n) => $"ci-{n:D6}";

    private static (string District, string School, string Class) LineageOf(int n)
    {
        var cls = n / StudentsPerClass;
        var school = cls / ClassesPerSchool;
        var district = school / SchoolsPerDistrict;
        return ($"ci-d{district}", $"ci-d{district}-h{school}", $"ci-h{school}-c{cls}");
    }

    /// <summary>One in ten moderate (Yellow), one in twenty-five moderately severe (Orange), one in fifty item 9 positive (Red).</summary>
    private static int[] Answers(int n) => n switch
    {
        _ when n % 50 == 1 => [0, 1, 0, 0, 0, 0, 0, 0, 1],
        _ when n % 25 == 2 => [2, 2, 2, 2, 2, 2, 2, 2, 0],
        _ when n % 10 == 3 => [2, 2, 2, 2, 2, 0, 0, 0, 0],
        _ => [n % 2, n % 3, 1, 0, 0, 0, 0, 0, 0],
    };

    private static Tier ExpectedTier(int n) => n switch
    {
        _ when n % 50 == 1 => Tier.Red,
        _ when n % 25 == 2 => Tier.Orange,
        _ when n % 10 == 3 => Tier.Yellow,
        _ => Tier.Green,
    };

    private static byte[] RosterFile()
    {
        var csv = new StringBuilder("学号,姓名,性别,班级编号,班级名称,年级,学校编号,学校名称,区编号,区名称\r\n");
        for (var n = 0; n < Students; n++)
        {
            var (district, school, cls) = LineageOf(n);
            csv.Append(StudentId(n)).Append(",学生").Append(n).Append(n % 2 == 0 ? ",女," : ",男,")
                .Append(cls).Append(",七(").Append(n / StudentsPerClass % ClassesPerSchool).Append(")班,7,")
                .Append(school).Append(',').Append(school).Append("中学,").Append(district).Append(',').Append(district).Append("区\r\n");
        }

        return Utf8(csv.ToString(), bom: true);
    }

    private static byte[] ScreeningFile()
    {
        var csv = new StringBuilder("学号,量表,测评日期,第1题,第2题,第3题,第4题,第5题,第6题,第7题,第8题,第9题\r\n");
        for (var n = 0; n < Students; n++)
        {
            csv.Append(StudentId(n)).Append(",PHQ-9,2026-09-15,").AppendJoin(',', Answers(n)).Append("\r\n");
        }

        return Utf8(csv.ToString(), bom: true);
    }

    private static IEnumerable<(string Scope, IEnumerable<string> Students)> Scopes()
    {
        var all = Enumerable.Range(0, Students).ToArray();
        yield return ("city", all.Select(StudentId));
        foreach (var group in all.GroupBy(n => LineageOf(n).District))
        {
            yield return ($"district:{group.Key}", group.Select(StudentId));
        }

        foreach (var group in all.GroupBy(n => LineageOf(n).School))
        {
            yield return ($"school:{group.Key}", group.Select(StudentId));
        }

        foreach (var group in all.GroupBy(n => LineageOf(n).Class))
        {
            yield return ($"class:{group.Key}", group.Select(StudentId));
        }
    }
}
