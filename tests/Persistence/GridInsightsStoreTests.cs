using Microsoft.Extensions.Logging.Abstractions;
using MonitorGrid.Persistence;
using Npgsql;

namespace MonitorGrid.Tests.Persistence;

/// <summary>
/// The UI's read models give the same answers on PostgreSQL and in memory. Each test writes the same small
/// history through the journal (the way grains do) to both stores and reads it back.
/// Tree: district d1 → school h1 → classes c1 (s1 张小明, s2 李小红) and c2 (s3 王大力); district d2 → h2 → c3 (s4).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GridInsightsStoreTests(PostgresServer postgres)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Stores => new() { "memory", "postgres" };

    private static StudentProfile Profile(string id, string name, string classId, string schoolId, string districtId) =>
        new(id, name, "F", classId, schoolId, districtId, []);

    private static readonly StudentProfile[] Students =
    [
        Profile("s1", "张小明", "c1", "h1", "d1"),
        Profile("s2", "李小红", "c1", "h1", "d1"),
        Profile("s3", "王大力", "c2", "h1", "d1"),
        Profile("s4", "赵明", "c3", "h2", "d2"),
    ];

    /// <summary>A journal and the read models over it, closed together.</summary>
    private sealed record Store(IGridJournal Journal, IGridInsights Insights, Func<ValueTask> Close) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Close();
    }

    private async Task<Store> OpenAsync(string store)
    {
        if (store == "memory")
        {
            var memory = new InMemoryGridJournal();
            return new Store(memory, memory, () => ValueTask.CompletedTask);
        }

        var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        var journal = new PostgresGridJournal(dataSource, NullLogger<PostgresGridJournal>.Instance);
        return new Store(journal, new PostgresGridInsights(dataSource), async () =>
        {
            await journal.DisposeAsync();
            await dataSource.DisposeAsync();
        });
    }

    private static IEnumerable<string> Ids(IReadOnlyList<Scope> scopes) => scopes.Select(s => s.Id);

    private static async Task RegisterAsync(IGridJournal journal) =>
        await journal.RegisterNewAsync([.. Students.Select(p => new StudentStatusRow(p, Tier.Green, null, 0, T0))]);

    /// <summary>Commits an observation as a grain would: the record and the status row after it.</summary>
    private static async Task ObserveAsync(
        IGridJournal journal, StudentProfile student, long version, DateTimeOffset at, Tier tierAfter, Category category,
        string observer = "t1", DateTimeOffset? observedAt = null)
    {
        var observation = new Observation($"o-{student.StudentId}-{version}", student.StudentId, category, 2, $"note {version}",
            observedAt ?? at, at, observer, Role.HeadTeacher);
        var record = new JournalRecord(student.StudentId, version, JournalKind.Observation, at, tierAfter, null, null, observation,
            $"k-{student.StudentId}-{version}", null, null);
        var outcome = await journal.CommitAsync(new StudentCommit(new StudentStatusRow(student, tierAfter, null, version, at), record));
        Assert.Equal(CommitOutcome.Committed, outcome);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Children_are_listed_per_level_in_id_order_and_a_class_has_none(string store)
    {
        await using var opened = await OpenAsync(store);
        var insights = opened.Insights;
        await insights.RegisterNodesAsync(
        [
            new RosterNode(ScopeKind.District, "d2", null), new RosterNode(ScopeKind.District, "d1", null),
            new RosterNode(ScopeKind.School, "h1", "d1"), new RosterNode(ScopeKind.School, "h2", "d2"),
            new RosterNode(ScopeKind.Class, "c2", "h1"), new RosterNode(ScopeKind.Class, "c1", "h1"),
        ]);
        // Registering again is an upsert, not a second row.
        await insights.RegisterNodesAsync([new RosterNode(ScopeKind.Class, "c1", "h1")]);

        Assert.Equal(["d1", "d2"], Ids(await insights.ChildrenAsync(Scope.City)));
        Assert.Equal(["h1"], Ids(await insights.ChildrenAsync(Scope.District("d1"))));
        Assert.Equal(["c1", "c2"], Ids(await insights.ChildrenAsync(Scope.School("h1"))));
        Assert.Empty(Ids(await insights.ChildrenAsync(Scope.School("h2"))));
        Assert.Empty(Ids(await insights.ChildrenAsync(Scope.Class("c1"))));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Tier_history_has_each_students_tier_at_the_start_and_every_later_change_in_time_order(string store)
    {
        await using var opened = await OpenAsync(store);
        var (journal, insights) = (opened.Journal, opened.Insights);
        await RegisterAsync(journal);
        await ObserveAsync(journal, Students[0], 1, T0.AddDays(1), Tier.Yellow, Category.Mood);
        await ObserveAsync(journal, Students[1], 1, T0.AddDays(2), Tier.Orange, Category.Family);
        await ObserveAsync(journal, Students[0], 2, T0.AddDays(5), Tier.Red, Category.SelfHarm);
        await ObserveAsync(journal, Students[2], 1, T0.AddDays(4), Tier.Yellow, Category.Academic);
        await ObserveAsync(journal, Students[3], 1, T0.AddDays(4), Tier.Red, Category.SelfHarm);

        var history = await insights.LoadTierHistoryAsync(Scope.School("h1"), T0.AddDays(3));

        Assert.Equal(3, history.Students);
        Assert.Equal(
            [("s1", Tier.Yellow), ("s2", Tier.Orange)],
            history.AtStart.Select(c => (c.StudentId, c.Tier)).OrderBy(c => c.StudentId, StringComparer.Ordinal));
        Assert.All(history.AtStart, c => Assert.Equal(T0.AddDays(3), c.At));
        Assert.Equal(
            [("s3", T0.AddDays(4), Tier.Yellow), ("s1", T0.AddDays(5), Tier.Red)],
            history.Changes.Select(c => (c.StudentId, c.At, c.Tier)));

        // The same instant given in Beijing time (as the trend gives its Beijing midnights) reads the same.
        var inBeijing = await insights.LoadTierHistoryAsync(Scope.School("h1"), T0.AddDays(3).ToOffset(TimeSpan.FromHours(8)));
        Assert.Equal(history.Changes.Select(c => (c.StudentId, c.At, c.Tier)), inBeijing.Changes.Select(c => (c.StudentId, c.At, c.Tier)));
        Assert.Equal(history.AtStart.Count, inBeijing.AtStart.Count);

        var city = await insights.LoadTierHistoryAsync(Scope.City, T0);
        Assert.Equal(4, city.Students);
        Assert.Equal(5, city.Changes.Count);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Categories_are_counted_by_when_observed_within_the_scope(string store)
    {
        await using var opened = await OpenAsync(store);
        var (journal, insights) = (opened.Journal, opened.Insights);
        await RegisterAsync(journal);
        await ObserveAsync(journal, Students[0], 1, T0.AddDays(10), Tier.Green, Category.Mood);
        await ObserveAsync(journal, Students[1], 1, T0.AddDays(10), Tier.Green, Category.Mood);
        await ObserveAsync(journal, Students[2], 1, T0.AddDays(10), Tier.Green, Category.Bullying);
        // Recorded in the window but observed before it.
        await ObserveAsync(journal, Students[0], 2, T0.AddDays(10), Tier.Green, Category.Family, observedAt: T0.AddDays(1));
        // Another district.
        await ObserveAsync(journal, Students[3], 1, T0.AddDays(10), Tier.Green, Category.Mood);

        var counts = await insights.CountCategoriesAsync(Scope.District("d1"), T0.AddDays(5), T0.AddDays(11));

        Assert.Equal(2, counts[Category.Mood]);
        Assert.Equal(1, counts[Category.Bullying]);
        Assert.False(counts.ContainsKey(Category.Family));
        Assert.Equal(3, counts.Values.Sum());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Students_are_found_by_name_part_or_id_prefix_within_the_scope_by_class_then_name(string store)
    {
        await using var opened = await OpenAsync(store);
        var (journal, insights) = (opened.Journal, opened.Insights);
        await RegisterAsync(journal);

        Assert.Equal(["s1", "s2", "s3"], (await insights.FindStudentsAsync(Scope.School("h1"), null, 10)).Select(p => p.StudentId));
        Assert.Equal(["s2"], (await insights.FindStudentsAsync(Scope.School("h1"), "小红", 10)).Select(p => p.StudentId));
        Assert.Equal(["s1", "s4"], (await insights.FindStudentsAsync(Scope.City, "明", 10)).Select(p => p.StudentId).Order(StringComparer.Ordinal));
        Assert.Equal(["s3"], (await insights.FindStudentsAsync(Scope.Class("c2"), "S", 10)).Select(p => p.StudentId));
        Assert.Empty(await insights.FindStudentsAsync(Scope.Class("c1"), "王大力", 10));
        Assert.Single(await insights.FindStudentsAsync(Scope.City, "s", 1));
        var pick = Assert.Single(await insights.FindStudentsAsync(Scope.Student("s4"), null, 10));
        Assert.Equal(new StudentPick("s4", "赵明", "c3"), pick);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_observers_own_submissions_come_newest_first_with_the_students_name(string store)
    {
        await using var opened = await OpenAsync(store);
        var (journal, insights) = (opened.Journal, opened.Insights);
        await RegisterAsync(journal);
        await ObserveAsync(journal, Students[0], 1, T0.AddHours(1), Tier.Green, Category.Mood, observer: "cm");
        await ObserveAsync(journal, Students[1], 1, T0.AddHours(3), Tier.Green, Category.Anxiety, observer: "cm");
        await ObserveAsync(journal, Students[2], 1, T0.AddHours(2), Tier.Green, Category.Other, observer: "someone-else");

        var mine = await insights.SubmittedByAsync("cm", 10);

        Assert.Equal([("s2", "李小红", Category.Anxiety), ("s1", "张小明", Category.Mood)],
            mine.Select(m => (m.Observation.StudentId, m.StudentName, m.Observation.Category)));
        Assert.Equal("note 1", mine[0].Observation.Note);
        Assert.Equal(T0.AddHours(3), mine[0].Observation.RecordedAt);
        Assert.Single(await insights.SubmittedByAsync("cm", 1));
        Assert.Empty(await insights.SubmittedByAsync("nobody", 10));
    }

    [Fact]
    public async Task The_migration_fills_the_roster_tree_from_students_registered_before_it()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        var migrations = SchemaMigrator.Discover(typeof(SchemaMigrator).Assembly);
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            // The schema as it was before 0003, with students in it.
            foreach (var migration in migrations.Where(m => m.Version < 3))
            {
                await using var create = new NpgsqlCommand(migration.Sql, connection);
                await create.ExecuteNonQueryAsync();
            }
        }

        await using (var journal = new PostgresGridJournal(dataSource, NullLogger<PostgresGridJournal>.Instance))
        {
            await RegisterAsync(journal);
        }

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var upgrade = new NpgsqlCommand(migrations.Single(m => m.Version == 3).Sql, connection);
            await upgrade.ExecuteNonQueryAsync();
        }

        var insights = new PostgresGridInsights(dataSource);
        Assert.Equal(["d1", "d2"], Ids(await insights.ChildrenAsync(Scope.City)));
        Assert.Equal(["h1"], Ids(await insights.ChildrenAsync(Scope.District("d1"))));
        Assert.Equal(["c1", "c2"], Ids(await insights.ChildrenAsync(Scope.School("h1"))));
        Assert.Equal(["c3"], Ids(await insights.ChildrenAsync(Scope.School("h2"))));
    }
}
