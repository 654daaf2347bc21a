using MonitorGrid.Grains;
using Xunit.Abstractions;

namespace MonitorGrid.Tests.Grains;

/// <summary>
/// Under thousands of concurrent observations, acknowledgements, resolutions and moves, every level's
/// counts and open alerts equal a recount of the students below it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PropagationTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Schools = 2;
    private const int ClassesPerSchool = 4;
    private const int StudentsPerClass = 50;
    private const int Observations = 4000;
    private const int AlertActions = 300;

    private static readonly Category[] Ordinary = [.. Enum.GetValues<Category>().Where(c => c != Category.SelfHarm)];

    [Fact]
    public async Task Concurrent_observations_and_alert_actions_leave_every_level_equal_to_a_recount_of_its_students()
    {
        var cityBefore = await StatusAsync(cluster.Grains.City());
        var tree = await CreateTreeAsync("pg-storm");
        var random = new Random(20261102);

        await StormAsync(tree, random, Observations, AlertActions);

        var students = await AssertConsistentAsync(tree, cityBefore);
        output.WriteLine("Tiers: " + string.Join(", ", students.GroupBy(s => s.Tier).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));
        output.WriteLine($"Open alerts: {students.Count(s => OpenAlert(s) is not null)}; resolved: {students.Sum(s => s.Alerts.Count(a => !a.IsOpen))}");

        // The storm must have produced every tier and both kinds of alert action, or it proved little.
        Assert.All(Enum.GetValues<Tier>(), t => Assert.Contains(students, s => s.Tier == t));
        Assert.Contains(students, s => s.Alerts.Any(a => a.State == AlertState.Resolved));
        Assert.Contains(students, s => OpenAlert(s)?.State == AlertState.Acknowledged);
        Assert.Contains(students, s => s.Observations.Any(o => o.Category == Category.SelfHarm));
    }

    [Fact]
    public async Task Moving_students_between_classes_and_schools_moves_their_counts_and_open_alerts()
    {
        var cityBefore = await StatusAsync(cluster.Grains.City());
        var tree = await CreateTreeAsync("pg-move");
        var random = new Random(7);
        await StormAsync(tree, random, Observations / 4, AlertActions / 4);
        var before = await AssertConsistentAsync(tree, cityBefore);

        // Move students of every tier (with and without open alerts): half to another class of the same
        // school, half to a class of the other school, while other students keep being observed.
        var movers = Enum.GetValues<Tier>()
            .SelectMany(t => before.Where(s => s.Tier == t).Take(6))
            .ToArray();
        Assert.Contains(movers, s => OpenAlert(s) is { Tier: Tier.Yellow });
        Assert.Contains(movers, s => OpenAlert(s) is { Tier: >= Tier.Orange });
        Assert.Contains(movers, s => OpenAlert(s) is null);
        var targets = movers.Select((s, i) => (Student: s, Class: Target(tree, s, sameSchool: i % 2 == 0))).ToArray();

        // Moves go through the roster's path: re-register, then the aggregates touched reload, while the storm goes on.
        var moving = cluster.RegisterStudentsAsync(targets.Select(t => new StudentProfile(
            t.Student.StudentId, t.Student.Name, t.Student.Gender, t.Class.Id, t.Class.SchoolId, t.Class.DistrictId, t.Student.FocusGroups)));
        var moverIds = movers.Select(m => m.StudentId).ToHashSet();
        var others = tree.Students.Where(s => !moverIds.Contains(s.StudentId)).ToArray();
        await Task.WhenAll([moving, StormAsync(tree with { Students = others }, random, 400, 0, advanceClock: false)]);

        var after = await AssertConsistentAsync(tree, cityBefore);
        foreach (var (mover, target) in targets)
        {
            var now = after.Single(s => s.StudentId == mover.StudentId);
            Assert.Equal((target.Id, target.SchoolId), (now.ClassId, now.SchoolId));
            Assert.Equal(mover.Tier, now.Tier);
            var oldClass = await StatusAsync(cluster.Grains.Class(mover.ClassId));
            Assert.DoesNotContain(oldClass.OpenAlerts, a => a.StudentId == mover.StudentId);
            if (OpenAlert(mover) is { } moved)
            {
                var newClass = await StatusAsync(cluster.Grains.Class(target.Id));
                var shown = Assert.Single(newClass.OpenAlerts, a => a.StudentId == mover.StudentId);
                Assert.Equal(moved.AlertId, shown.AlertId);
                Assert.Equal((target.Id, target.SchoolId), (shown.ClassId, shown.SchoolId));
                if (target.SchoolId != mover.SchoolId)
                {
                    Assert.DoesNotContain((await StatusAsync(cluster.Grains.School(mover.SchoolId))).OpenAlerts, a => a.StudentId == mover.StudentId);
                }
            }
        }
    }

    private static ClassInfo Target(Tree tree, StudentArchive student, bool sameSchool) =>
        tree.Classes.First(c => c.Id != student.ClassId && (c.SchoolId == student.SchoolId) == sameSchool);

    /// <summary>Concurrent observations over randomly chosen students (a few of them much more often), with acknowledgements and resolutions.</summary>
    private async Task StormAsync(Tree tree, Random random, int observations, int actions, bool advanceClock = true)
    {
        var work = new List<Func<Task>>();
        for (var i = 0; i < observations; i++)
        {
            // Squaring skews the choice, so some students are seen often and some never.
            var student = tree.Students[(int)(Math.Pow(random.NextDouble(), 2) * tree.Students.Count)];
            var category = random.Next(150) == 0 ? Category.SelfHarm : Ordinary[random.Next(Ordinary.Length)];
            var severity = random.Next(10) switch { < 7 => 1, < 9 => 2, _ => 3 };
            var observation = cluster.Observe(student.StudentId, category, severity, $"t-{random.Next(4)}");
            work.Add(() => cluster.Grains.Student(student.StudentId).ObserveAsync(observation));
        }

        for (var i = 0; i < actions; i++)
        {
            var student = tree.Students[(int)(Math.Pow(random.NextDouble(), 2) * tree.Students.Count)];
            var resolve = random.Next(2) == 0;
            var position = random.Next(work.Count);
            work.Insert(position, () => ActOnOpenAlertAsync(student.StudentId, resolve));
        }

        foreach (var round in work.Chunk(1000))
        {
            await Parallel.ForEachAsync(round, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (w, _) => await w());

            // Between rounds the clock moves on, so that alerts are raised at different times. Never while
            // calls are in flight: the silo's own message timeouts run on the fake clock too.
            if (advanceClock)
            {
                cluster.Time.Advance(TimeSpan.FromMinutes(1));
            }
        }
    }

    private async Task ActOnOpenAlertAsync(string studentId, bool resolve)
    {
        var grain = cluster.Grains.Student(studentId);
        var archive = await grain.GetArchiveAsync();
        if (archive is null || OpenAlert(archive) is not { } alert)
        {
            return;
        }

        var result = resolve
            ? await grain.ResolveAlertAsync(alert.AlertId, new Actor("psy-1", Role.PsychTeacher), "已跟进")
            : await grain.AcknowledgeAlertAsync(alert.AlertId, new Actor("ht-1", Role.HeadTeacher));

        // A concurrent resolution may have come first; anything else is wrong.
        Assert.NotEqual(AlertActionOutcome.NotFound, result.Outcome);
    }

    /// <summary>Recounts every student and compares each level with the recount; returns the archives.</summary>
    private async Task<StudentArchive[]> AssertConsistentAsync(Tree tree, ScopeStatus cityBefore)
    {
        var students = await Task.WhenAll(tree.Students.Select(async s =>
            await cluster.Grains.Student(s.StudentId).GetArchiveAsync() ?? throw new InvalidOperationException(s.StudentId)));

        foreach (var cls in tree.Classes)
        {
            AssertLevel($"class:{cls.Id}", await StatusAsync(cluster.Grains.Class(cls.Id)), [.. students.Where(s => s.ClassId == cls.Id)], Tier.Yellow);
        }

        foreach (var school in tree.Schools)
        {
            AssertLevel($"school:{school.Id}", await StatusAsync(cluster.Grains.School(school.Id)), [.. students.Where(s => s.SchoolId == school.Id)], Tier.Yellow);
        }

        AssertLevel($"district:{tree.District.Id}", await StatusAsync(cluster.Grains.District(tree.District.Id)), students, Tier.Orange);

        var cityAfter = await StatusAsync(cluster.Grains.City());
        Assert.Equal(Recount(students), cityAfter.Counts + -cityBefore.Counts);
        Assert.Empty(cityAfter.OpenAlerts);
        return students;
    }

    private static void AssertLevel(string scope, ScopeStatus status, StudentArchive[] students, Tier shownFrom)
    {
        Assert.Equal(scope, status.Scope);
        Assert.Equal(Recount(students), status.Counts);
        Assert.Equal(students.Length, status.Counts.Total);

        var expected = students.Select(OpenAlert).OfType<AlertSummary>().Where(a => a.Tier >= shownFrom).OrderBy(a => a.AlertId, StringComparer.Ordinal);
        Assert.Equal(expected, status.OpenAlerts.OrderBy(a => a.AlertId, StringComparer.Ordinal));

        // Highest tier first, then oldest first.
        for (var i = 1; i < status.OpenAlerts.Length; i++)
        {
            var (previous, current) = (status.OpenAlerts[i - 1], status.OpenAlerts[i]);
            Assert.True(
                previous.Tier > current.Tier || (previous.Tier == current.Tier && previous.RaisedAt <= current.RaisedAt),
                $"{scope}: {previous.AlertId} ({previous.Tier}, {previous.RaisedAt:O}) is listed before {current.AlertId} ({current.Tier}, {current.RaisedAt:O})");
        }
    }

    private static TierCounts Recount(IEnumerable<StudentArchive> students) =>
        students.Aggregate(TierCounts.Zero, (counts, s) => counts.With(s.Tier, 1));

    private static AlertSummary? OpenAlert(StudentArchive student) =>
        student.Alerts.Length > 0 && student.Alerts[0].IsOpen ? student.Alerts[0] : null;

    private static async Task<ScopeStatus> StatusAsync(IScopeGrain grain) =>
        await grain.GetStatusAsync() ?? throw new InvalidOperationException($"{grain} has no status");

    /// <summary>1 district, <see cref="Schools"/> schools of <see cref="ClassesPerSchool"/> classes of <see cref="StudentsPerClass"/> students.</summary>
    private async Task<Tree> CreateTreeAsync(string prefix)
    {
        var district = new DistrictInfo($"{prefix}-d", $"{prefix} 区");
        await cluster.Grains.District(district.Id).RegisterAsync(district);
        var schools = Enumerable.Range(1, Schools).Select(h => new SchoolInfo($"{prefix}-h{h}", district.Id, $"{prefix} {h} 中")).ToArray();
        await Task.WhenAll(schools.Select(h => cluster.Grains.School(h.Id).RegisterAsync(h)));
        var classes = schools
            .SelectMany(h => Enumerable.Range(1, ClassesPerSchool).Select(c => new ClassInfo($"{h.Id}-c{c}", h.Id, district.Id, 8, $"八({c})班")))
            .ToArray();
        await Task.WhenAll(classes.Select(c => cluster.Grains.Class(c.Id).RegisterAsync(c)));
        var students = classes
            .SelectMany(c => Enumerable.Range(1, StudentsPerClass).Select(s => new StudentProfile(
                $"{c.Id}-s{s}", $"学生{s}", s % 2 == 0 ? "F" : "M", c.Id, c.SchoolId, c.DistrictId, s % 5 == 0 ? ["LeftBehind"] : [])))
            .ToArray();
        await cluster.RegisterStudentsAsync(students);
        return new Tree(district, schools, classes, students);
    }

    private sealed record Tree(DistrictInfo District, IReadOnlyList<SchoolInfo> Schools, IReadOnlyList<ClassInfo> Classes, IReadOnlyList<StudentProfile> Students);
}
