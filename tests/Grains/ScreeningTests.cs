using Microsoft.Extensions.DependencyInjection;
using MonitorGrid.Grains;
using MonitorGrid.Persistence;

namespace MonitorGrid.Tests.Grains;

/// <summary>
/// A screening result in the student grain: it sets a screening tier, the student's tier is the higher of
/// that and the observations', it raises alerts as an observation would, and a key is stored once.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ScreeningTests(ClusterFixture cluster)
{
    private static readonly Actor Psych = new("psy-screen", Role.PsychTeacher);

    [Fact]
    public async Task A_moderate_phq9_raises_a_yellow_mood_alert_and_the_class_counts_it()
    {
        var tree = await cluster.CreateTreeAsync("scr-yellow");
        var student = tree.Students[0].StudentId;

        var receipt = await Apply(student, Result("PHQ-9", Tier.Yellow, Category.Mood));

        Assert.Equal((ScreeningOutcome.Applied, Tier.Yellow, true), (receipt.Outcome, receipt.Tier, receipt.TierRaised));
        var archive = (await cluster.Grains.Student(student).GetArchiveAsync())!;
        var alert = Assert.Single(archive.Alerts);
        Assert.Equal((Tier.Yellow, Category.Mood, AlertState.Open, receipt.AlertId), (alert.Tier, alert.Category, alert.State, alert.AlertId));
        Assert.Equal("PHQ-9", Assert.Single(archive.Screenings).Instrument);
        Assert.Equal(1, (await cluster.Grains.Class(tree.Classes[0].Id).GetStatusAsync())!.Counts.Yellow);
    }

    [Fact]
    public async Task A_positive_item_9_makes_the_student_red_at_once_with_the_crisis_deadline()
    {
        var tree = await cluster.CreateTreeAsync("scr-red");
        var student = tree.Students[0].StudentId;
        var now = cluster.Time.GetUtcNow();

        var receipt = await Apply(student, Result("PHQ-9", Tier.Red, Category.SelfHarm) with { CriticalItems = [9] });

        Assert.Equal(Tier.Red, receipt.Tier);
        var alert = (await cluster.Grains.Student(student).GetArchiveAsync())!.Alerts.Single();
        Assert.Equal((Tier.Red, Category.SelfHarm, now + TimeSpan.FromMinutes(15)), (alert.Tier, alert.Category, alert.DueAt));
    }

    [Fact]
    public async Task The_same_key_again_changes_nothing_and_points_at_the_result_stored_first()
    {
        var tree = await cluster.CreateTreeAsync("scr-again");
        var student = tree.Students[0].StudentId;
        var first = Result("GAD-7", Tier.Orange, Category.Anxiety) with { ImportId = "imp-1", Row = 7 };
        await Apply(student, first);
        var before = (await cluster.Grains.Student(student).GetArchiveAsync())!;

        var again = await Apply(student, first with { ImportId = "imp-2", Row = 3, Tier = Tier.Red });

        Assert.Equal((ScreeningOutcome.AlreadyStored, Tier.Orange, false), (again.Outcome, again.Tier, again.TierRaised));
        Assert.Equal(("imp-1", 7), (again.Stored!.ImportId, again.Stored.Row));
        var after = (await cluster.Grains.Student(student).GetArchiveAsync())!;
        Assert.Single(after.Screenings);
        Assert.Equal(before.Alerts, after.Alerts);
    }

    [Fact]
    public async Task The_tier_is_the_higher_of_the_observations_and_the_screening_and_a_lower_result_never_lowers_it()
    {
        var tree = await cluster.CreateTreeAsync("scr-max");
        var student = tree.Students[0].StudentId;
        var grain = cluster.Grains.Student(student);
        Assert.Equal(Tier.Yellow, (await grain.ObserveAsync(cluster.Observe(student, Category.Mood, 2))).Tier);

        Assert.Equal(Tier.Orange, (await Apply(student, Result("PHQ-9", Tier.Orange, Category.Mood))).Tier);
        var lower = await Apply(student, Result("GAD-7", Tier.Yellow, Category.Anxiety));

        Assert.Equal((Tier.Orange, false), (lower.Tier, lower.TierRaised));
        var alert = (await grain.GetArchiveAsync())!.Alerts.Single();
        Assert.Equal((Tier.Orange, Tier.Yellow), (alert.Tier, alert.PreviousTier));
    }

    [Fact]
    public async Task Resolving_the_alert_closes_the_episode_so_the_result_stays_in_the_archive_but_no_longer_holds_the_tier()
    {
        var tree = await cluster.CreateTreeAsync("scr-resolve");
        var student = tree.Students[0].StudentId;
        var grain = cluster.Grains.Student(student);
        var receipt = await Apply(student, Result("PHQ-9", Tier.Orange, Category.Mood));

        await grain.ResolveAlertAsync(receipt.AlertId!, new Actor("psy-screen", Role.PsychTeacher), "二次研判：状态良好");
        var next = await grain.ObserveAsync(cluster.Observe(student, Category.Academic, 1));

        Assert.Equal(Tier.Green, next.Tier);
        var archive = (await grain.GetArchiveAsync())!;
        Assert.Single(archive.Screenings);
        Assert.Equal(Tier.Green, archive.Tier);
    }

    [Fact]
    public async Task A_student_outside_the_importers_scope_or_not_in_the_roster_is_refused_and_nothing_is_stored()
    {
        var tree = await cluster.CreateTreeAsync("scr-scope");
        var student = tree.Students[0].StudentId;

        var outside = await cluster.Grains.Student(student).ApplyScreeningAsync(
            Result("PHQ-9", Tier.Red, Category.SelfHarm), Psych, Scope.School("another-school"), release: false);
        var unknown = await cluster.Grains.Student("scr-nobody").ApplyScreeningAsync(
            Result("PHQ-9", Tier.Red, Category.SelfHarm), Psych, Scope.City, release: false);

        Assert.Equal((ScreeningOutcome.OutsideScope, ScreeningOutcome.UnknownStudent), (outside.Outcome, unknown.Outcome));
        var archive = (await cluster.Grains.Student(student).GetArchiveAsync())!;
        Assert.Empty(archive.Screenings);
        Assert.Equal(Tier.Green, archive.Tier);
    }

    [Fact]
    public async Task A_released_student_comes_back_from_the_journal_with_its_result_and_alert()
    {
        var tree = await cluster.CreateTreeAsync("scr-release");
        var student = tree.Students[0].StudentId;
        await cluster.Grains.Student(student).ApplyScreeningAsync(
            Result("PHQ-9", Tier.Orange, Category.Mood), Psych, Scope.School(tree.School.Id), release: true);

        // Whether the activation went or not, what the grain answers is what the journal holds.
        var archive = (await cluster.Grains.Student(student).GetArchiveAsync())!;

        Assert.Equal((Tier.Orange, 1, 1), (archive.Tier, archive.Screenings.Length, archive.Alerts.Length));
        Assert.Equal(1, (await cluster.Grains.School(tree.School.Id).GetStatusAsync())!.Counts.Orange);
    }

    [Fact]
    public async Task An_active_student_takes_in_quiet_results_an_import_stored_in_bulk_and_its_next_change_goes_in_after_them()
    {
        var tree = await cluster.CreateTreeAsync("scr-quiet");
        var student = tree.Students[0].StudentId;
        var grain = cluster.Grains.Student(student);
        Assert.Equal(Tier.Green, (await grain.ObserveAsync(cluster.Observe(student, Category.Academic, 1))).Tier);
        var journal = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGridJournal>();

        var stored = await journal.RecordQuietScreeningsAsync(
            [(student, Result("PHQ-9", Tier.Green, Category.Mood)), (student, Result("GAD-7", Tier.Green, Category.Anxiety))],
            Psych, Scope.School(tree.School.Id), cluster.Time.GetUtcNow());
        var next = await grain.ObserveAsync(cluster.Observe(student, Category.Mood, 2));
        var again = await Apply(student, Result("PHQ-9", Tier.Orange, Category.Mood));

        Assert.Equal(2, stored.Count);
        Assert.Equal(Tier.Yellow, next.Tier);
        Assert.Equal(ScreeningOutcome.AlreadyStored, again.Outcome);
        var archive = (await grain.GetArchiveAsync())!;
        Assert.Equal(["GAD-7", "PHQ-9"], archive.Screenings.Select(r => r.Instrument).Order());
        Assert.Equal(2, archive.Observations.Length);
        Assert.Equal(Tier.Yellow, archive.Tier);
    }

    [Fact]
    public async Task Quiet_results_are_stored_in_bulk_only_for_green_students_without_an_open_alert_inside_the_scope()
    {
        var tree = await cluster.CreateTreeAsync("scr-bulk");
        var (green, yellow) = (tree.Students[0].StudentId, tree.Students[1].StudentId);
        await cluster.Grains.Student(yellow).ObserveAsync(cluster.Observe(yellow, Category.Mood, 2));
        var journal = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGridJournal>();
        var result = Result("GAD-7", Tier.Green, Category.Anxiety);

        var outside = await journal.RecordQuietScreeningsAsync([(green, result)], Psych, Scope.School("elsewhere"), cluster.Time.GetUtcNow());
        var stored = await journal.RecordQuietScreeningsAsync(
            [(green, result), (yellow, result), ("scr-bulk-nobody", result)], Psych, Scope.School(tree.School.Id), cluster.Time.GetUtcNow());
        var twice = await journal.RecordQuietScreeningsAsync([(green, result)], Psych, Scope.City, cluster.Time.GetUtcNow());

        Assert.Empty(outside);
        Assert.Equal([(green, result.Key)], stored);
        Assert.Empty(twice);
    }

    private Task<ScreeningReceipt> Apply(string student, ScreeningResult result) =>
        cluster.Grains.Student(student).ApplyScreeningAsync(result, Psych, Scope.City, release: false);

    private static ScreeningResult Result(string instrument, Tier tier, Category category) =>
        new(ScreeningResult.KeyOf(instrument, new DateOnly(2026, 9, 15)), instrument, new DateOnly(2026, 9, 15),
            instrument == "PHQ-9" ? new int[9] : new int[7], 12, "Moderate", tier, category, []);
}
