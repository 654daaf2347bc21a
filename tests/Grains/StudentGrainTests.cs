using MonitorGrid.Grains;

namespace MonitorGrid.Tests.Grains;

/// <summary>The risk model, alerts and episodes as a student grain applies them, with the fake clock.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StudentGrainTests(ClusterFixture cluster)
{
    private static readonly Actor HeadTeacher = new("ht-1", Role.HeadTeacher);
    private static readonly Actor PsychTeacher = new("psy-1", Role.PsychTeacher);

    [Fact]
    public async Task A_new_student_is_Green_and_counted_Green_at_class_school_district_and_city()
    {
        var cityBefore = await StatusAsync(cluster.Grains.City());

        var tree = await cluster.CreateTreeAsync("sg-new", classes: 1, studentsPerClass: 3);

        var archive = await ArchiveAsync(tree.Students[0].StudentId);
        Assert.Equal(Tier.Green, archive.Tier);
        Assert.Empty(archive.Observations);
        Assert.Empty(archive.Alerts);
        var expected = new TierCounts(3, 0, 0, 0);
        foreach (var scope in Scopes(tree))
        {
            var status = await StatusAsync(scope);
            Assert.Equal(expected, status.Counts);
            Assert.Empty(status.OpenAlerts);
        }

        var cityAfter = await StatusAsync(cluster.Grains.City());
        Assert.Equal(expected, Delta(cityBefore, cityAfter));
        Assert.Empty(cityAfter.OpenAlerts);
    }

    [Fact]
    public async Task An_observation_reaching_Yellow_raises_an_open_alert_shown_at_class_and_school_but_not_district()
    {
        var tree = await cluster.CreateTreeAsync("sg-yellow", studentsPerClass: 2);
        var student = tree.Students[0];
        var observation = cluster.Observe(student.StudentId, Category.Withdrawal, 2);

        var receipt = await cluster.Grains.Student(student.StudentId).ObserveAsync(observation);

        Assert.Equal(observation.ObservationId, receipt.ObservationId);
        Assert.Equal(student.StudentId, receipt.StudentId);
        Assert.Equal(Tier.Yellow, receipt.Tier);
        Assert.False(string.IsNullOrEmpty(receipt.AlertId));

        var archive = await ArchiveAsync(student.StudentId);
        Assert.Equal(Tier.Yellow, archive.Tier);
        Assert.Equal(observation, Assert.Single(archive.Observations));
        var alert = Assert.Single(archive.Alerts);
        Assert.Equal(receipt.AlertId, alert.AlertId);
        Assert.Equal(
            (student.StudentId, student.Name, student.ClassId, student.SchoolId, student.DistrictId),
            (alert.StudentId, alert.StudentName, alert.ClassId, alert.SchoolId, alert.DistrictId));
        Assert.Equal((Tier.Yellow, Tier.Green, Category.Withdrawal, AlertState.Open), (alert.Tier, alert.PreviousTier, alert.Category, alert.State));

        var cls = await StatusAsync(cluster.Grains.Class(student.ClassId));
        Assert.Equal(new TierCounts(1, 1, 0, 0), cls.Counts);
        Assert.Equal(alert, Assert.Single(cls.OpenAlerts));
        var school = await StatusAsync(cluster.Grains.School(student.SchoolId));
        Assert.Equal(new TierCounts(1, 1, 0, 0), school.Counts);
        Assert.Equal(alert, Assert.Single(school.OpenAlerts));
        var district = await StatusAsync(cluster.Grains.District(student.DistrictId));
        Assert.Equal(new TierCounts(1, 1, 0, 0), district.Counts);
        Assert.Empty(district.OpenAlerts);
    }

    [Fact]
    public async Task A_climb_from_Yellow_to_Orange_to_Red_raises_the_same_alert_again_in_place()
    {
        var tree = await cluster.CreateTreeAsync("sg-climb", studentsPerClass: 1);
        var id = tree.Students[0].StudentId;
        var grain = cluster.Grains.Student(id);

        var yellow = await grain.ObserveAsync(cluster.Observe(id, Category.Mood, 2)); // 3
        var orange = await grain.ObserveAsync(cluster.Observe(id, Category.Anxiety, 3)); // 9
        var archiveAtOrange = await ArchiveAsync(id);
        var stillOrange = await grain.ObserveAsync(cluster.Observe(id, Category.Mood, 3)); // 15
        var archiveStillOrange = await ArchiveAsync(id);
        var red = await grain.ObserveAsync(cluster.Observe(id, Category.Behavior, 1)); // 16

        Assert.Equal(
            [Tier.Yellow, Tier.Orange, Tier.Orange, Tier.Red],
            new[] { yellow.Tier, orange.Tier, stillOrange.Tier, red.Tier });
        Assert.NotNull(yellow.AlertId);
        Assert.All(new[] { orange, stillOrange, red }, r => Assert.Equal(yellow.AlertId, r.AlertId));

        var atOrange = Assert.Single(archiveAtOrange.Alerts);
        Assert.Equal((Tier.Orange, Tier.Yellow, Category.Anxiety, AlertState.Open), (atOrange.Tier, atOrange.PreviousTier, atOrange.Category, atOrange.State));
        Assert.Equal(atOrange, Assert.Single(archiveStillOrange.Alerts));

        var archive = await ArchiveAsync(id);
        var alert = Assert.Single(archive.Alerts);
        Assert.Equal(yellow.AlertId, alert.AlertId);
        Assert.Equal((Tier.Red, Tier.Orange, Category.Behavior, AlertState.Open), (alert.Tier, alert.PreviousTier, alert.Category, alert.State));
        Assert.Equal(atOrange.RaisedAt, alert.RaisedAt);

        var cls = await StatusAsync(cluster.Grains.Class(tree.Classes[0].Id));
        Assert.Equal(new TierCounts(0, 0, 0, 1), cls.Counts);
        Assert.Equal(alert, Assert.Single(cls.OpenAlerts));
        var district = await StatusAsync(cluster.Grains.District(tree.District.Id));
        Assert.Equal(new TierCounts(0, 0, 0, 1), district.Counts);
        Assert.Equal(alert, Assert.Single(district.OpenAlerts));
    }

    [Fact]
    public async Task A_climb_after_acknowledgement_puts_the_alert_back_to_Open()
    {
        var tree = await cluster.CreateTreeAsync("sg-ackclimb", studentsPerClass: 1);
        var id = tree.Students[0].StudentId;
        var grain = cluster.Grains.Student(id);
        var yellow = await grain.ObserveAsync(cluster.Observe(id, Category.Mood, 2));

        var ack = await grain.AcknowledgeAlertAsync(yellow.AlertId!, HeadTeacher);
        Assert.Equal(AlertActionOutcome.Done, ack.Outcome);
        Assert.Equal((AlertState.Acknowledged, "ht-1"), (ack.Alert!.State, ack.Alert.AcknowledgedBy));
        Assert.Equal(AlertState.Acknowledged, Assert.Single((await StatusAsync(cluster.Grains.Class(tree.Classes[0].Id))).OpenAlerts).State);

        var orange = await grain.ObserveAsync(cluster.Observe(id, Category.Mood, 3));

        Assert.Equal(Tier.Orange, orange.Tier);
        Assert.Equal(yellow.AlertId, orange.AlertId);
        var alert = Assert.Single((await ArchiveAsync(id)).Alerts);
        Assert.Equal((Tier.Orange, Tier.Yellow, AlertState.Open), (alert.Tier, alert.PreviousTier, alert.State));
        Assert.Equal(alert, Assert.Single((await StatusAsync(cluster.Grains.Class(tree.Classes[0].Id))).OpenAlerts));
        Assert.Equal(alert, Assert.Single((await StatusAsync(cluster.Grains.District(tree.District.Id))).OpenAlerts));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_tier_holds_while_the_alert_is_open_even_when_the_score_has_long_fallen(bool acknowledged)
    {
        var tree = await cluster.CreateTreeAsync($"sg-hold-{acknowledged}", studentsPerClass: 1);
        var id = tree.Students[0].StudentId;
        var grain = cluster.Grains.Student(id);
        var orange = await grain.ObserveAsync(cluster.Observe(id, Category.Mood, 3)); // 6
        orange = await grain.ObserveAsync(cluster.Observe(id, Category.Mood, 2)); // 9
        Assert.Equal(Tier.Orange, orange.Tier);
        if (acknowledged)
        {
            Assert.Equal(AlertActionOutcome.Done, (await grain.AcknowledgeAlertAsync(orange.AlertId!, HeadTeacher)).Outcome);
        }

        cluster.Time.Advance(TimeSpan.FromDays(31));
        var later = await grain.ObserveAsync(cluster.Observe(id, Category.Mood, 1)); // 1 by the model

        Assert.Equal(Tier.Orange, later.Tier);
        Assert.Equal(orange.AlertId, later.AlertId);
        var archive = await ArchiveAsync(id);
        Assert.Equal(Tier.Orange, archive.Tier);
        var alert = Assert.Single(archive.Alerts);
        Assert.Equal((Tier.Orange, acknowledged ? AlertState.Acknowledged : AlertState.Open), (alert.Tier, alert.State));
        Assert.Equal(new TierCounts(0, 0, 1, 0), (await StatusAsync(cluster.Grains.Class(tree.Classes[0].Id))).Counts);
        Assert.Equal(new TierCounts(0, 0, 1, 0), (await StatusAsync(cluster.Grains.District(tree.District.Id))).Counts);
    }

    [Fact]
    public async Task Resolving_makes_the_student_Green_keeps_the_archive_and_closes_the_episode()
    {
        var tree = await cluster.CreateTreeAsync("sg-resolve", studentsPerClass: 1);
        var student = tree.Students[0];
        var id = student.StudentId;
        var grain = cluster.Grains.Student(id);
        await grain.ObserveAsync(cluster.Observe(id, Category.Mood, 3));
        var orange = await grain.ObserveAsync(cluster.Observe(id, Category.Family, 2)); // 9
        Assert.Equal(Tier.Orange, orange.Tier);

        var resolved = await grain.ResolveAlertAsync(orange.AlertId!, PsychTeacher, "家访后情况稳定");

        Assert.Equal(AlertActionOutcome.Done, resolved.Outcome);
        Assert.Equal((orange.AlertId, AlertState.Resolved, "psy-1", "家访后情况稳定"),
            (resolved.Alert!.AlertId, resolved.Alert.State, resolved.Alert.ResolvedBy, resolved.Alert.ResolutionNote));
        var archive = await ArchiveAsync(id);
        Assert.Equal(Tier.Green, archive.Tier);
        Assert.Equal(2, archive.Observations.Length);
        Assert.Equal(AlertState.Resolved, Assert.Single(archive.Alerts).State);
        foreach (var scope in Scopes(tree))
        {
            var status = await StatusAsync(scope);
            Assert.Equal(new TierCounts(1, 0, 0, 0), status.Counts);
            Assert.Empty(status.OpenAlerts);
        }

        // The closed episode no longer counts: 1 point alone (not 10).
        var mild = await grain.ObserveAsync(cluster.Observe(id, Category.Mood, 1));
        Assert.Equal(Tier.Green, mild.Tier);
        Assert.Null(mild.AlertId);

        // 1 + 3 = 4: Yellow (not Orange, as 13 would be), with a new alert.
        var again = await grain.ObserveAsync(cluster.Observe(id, Category.Mood, 2));
        Assert.Equal(Tier.Yellow, again.Tier);
        Assert.NotNull(again.AlertId);
        Assert.NotEqual(orange.AlertId, again.AlertId);
        archive = await ArchiveAsync(id);
        Assert.Equal(4, archive.Observations.Length);
        Assert.Equal(2, archive.Alerts.Length);
        Assert.Equal((again.AlertId, Tier.Yellow, Tier.Green, AlertState.Open),
            (archive.Alerts[0].AlertId, archive.Alerts[0].Tier, archive.Alerts[0].PreviousTier, archive.Alerts[0].State));
        Assert.Equal(AlertState.Resolved, archive.Alerts[1].State);
        var cls = await StatusAsync(cluster.Grains.Class(student.ClassId));
        Assert.Equal(new TierCounts(0, 1, 0, 0), cls.Counts);
        Assert.Equal(again.AlertId, Assert.Single(cls.OpenAlerts).AlertId);
    }

    [Fact]
    public async Task An_observation_received_after_the_resolution_counts_even_if_it_was_made_before_it()
    {
        var tree = await cluster.CreateTreeAsync("sg-afterres", studentsPerClass: 1);
        var id = tree.Students[0].StudentId;
        var grain = cluster.Grains.Student(id);
        var receipt = await ObserveAsync(id, 3); // 6: Yellow
        cluster.Time.Advance(TimeSpan.FromDays(1));
        await grain.ResolveAlertAsync(receipt.AlertId!, PsychTeacher, null);

        // Made an hour before the resolution, synced after it: a new episode of 3 points.
        var late = await ObserveAsync(id, 2, observedAt: cluster.Time.GetUtcNow() - TimeSpan.FromHours(1));

        Assert.Equal(Tier.Yellow, late.Tier);
        Assert.NotNull(late.AlertId);
        Assert.NotEqual(receipt.AlertId, late.AlertId);
    }

    [Fact]
    public async Task Joining_a_focus_group_can_raise_the_tier_and_the_open_alert_in_place()
    {
        var tree = await cluster.CreateTreeAsync("sg-focus", studentsPerClass: 1);
        var student = tree.Students[0];
        await ObserveAsync(student.StudentId, 3);
        var yellow = await ObserveAsync(student.StudentId, 1); // 7: Yellow
        Assert.Equal(Tier.Yellow, yellow.Tier);

        await cluster.Grains.Student(student.StudentId).RegisterAsync(student with { FocusGroups = ["LeftBehind"] }); // 8.75

        var archive = await ArchiveAsync(student.StudentId);
        Assert.Equal(Tier.Orange, archive.Tier);
        var alert = Assert.Single(archive.Alerts);
        Assert.Equal((yellow.AlertId, Tier.Orange, Tier.Yellow, AlertState.Open), (alert.AlertId, alert.Tier, alert.PreviousTier, alert.State));
        Assert.Equal(new TierCounts(0, 0, 1, 0), (await StatusAsync(cluster.Grains.Class(student.ClassId))).Counts);
        Assert.Equal(alert, Assert.Single((await StatusAsync(cluster.Grains.District(student.DistrictId))).OpenAlerts));
    }

    [Fact]
    public async Task Observations_older_than_7_days_count_half_and_at_exactly_7_days_in_full()
    {
        var tree = await cluster.CreateTreeAsync("sg-age7", studentsPerClass: 3);
        var (aged, control, exact) = (tree.Students[0].StudentId, tree.Students[1].StudentId, tree.Students[2].StudentId);
        foreach (var id in new[] { aged, control, exact })
        {
            Assert.Equal(Tier.Green, (await ObserveAsync(id, 1)).Tier);
            Assert.Equal(Tier.Green, (await ObserveAsync(id, 1)).Tier); // 2
        }

        Assert.Equal(Tier.Yellow, (await ObserveAsync(control, 1)).Tier); // 1 + 1 + 1 = 3

        cluster.Time.Advance(TimeSpan.FromDays(7));
        Assert.Equal(Tier.Yellow, (await ObserveAsync(exact, 1)).Tier); // exactly 7 days: 1 + 1 + 1 = 3

        cluster.Time.Advance(TimeSpan.FromDays(1));
        var receipt = await ObserveAsync(aged, 1); // 0.5 + 0.5 + 1 = 2
        Assert.Equal(Tier.Green, receipt.Tier);
        Assert.Null(receipt.AlertId);
        Assert.Equal(new TierCounts(1, 2, 0, 0), (await StatusAsync(cluster.Grains.Class(tree.Classes[0].Id))).Counts);
    }

    [Fact]
    public async Task Observations_older_than_30_days_no_longer_count_and_at_exactly_30_days_count_half()
    {
        var tree = await cluster.CreateTreeAsync("sg-age30", studentsPerClass: 2);
        var (expired, exact) = (tree.Students[0].StudentId, tree.Students[1].StudentId);
        foreach (var id in new[] { expired, exact })
        {
            await ObserveAsync(id, 1);
            Assert.Equal(Tier.Green, (await ObserveAsync(id, 1)).Tier); // 2
        }

        cluster.Time.Advance(TimeSpan.FromDays(30));
        await ObserveAsync(exact, 1);
        Assert.Equal(Tier.Yellow, (await ObserveAsync(exact, 1)).Tier); // 0.5 + 0.5 + 1 + 1 = 3

        cluster.Time.Advance(TimeSpan.FromDays(1));
        await ObserveAsync(expired, 1);
        var receipt = await ObserveAsync(expired, 1); // 0 + 0 + 1 + 1 = 2
        Assert.Equal(Tier.Green, receipt.Tier);
        Assert.Null(receipt.AlertId);
    }

    [Fact]
    public async Task An_observation_made_8_days_before_it_was_submitted_scores_half()
    {
        var tree = await cluster.CreateTreeAsync("sg-late", studentsPerClass: 2);
        var (late, control) = (tree.Students[0].StudentId, tree.Students[1].StudentId);
        var now = cluster.Time.GetUtcNow();

        await ObserveAsync(late, 2, observedAt: now - TimeSpan.FromDays(8));
        var lateReceipt = await ObserveAsync(late, 1); // 1.5 + 1 = 2.5
        await ObserveAsync(control, 2, observedAt: now - TimeSpan.FromDays(7));
        var controlReceipt = await ObserveAsync(control, 1); // 3 + 1 = 4

        Assert.Equal(Tier.Green, lateReceipt.Tier);
        Assert.Equal(Tier.Yellow, controlReceipt.Tier);
    }

    [Fact]
    public async Task A_SelfHarm_observation_synced_late_is_still_Red()
    {
        var tree = await cluster.CreateTreeAsync("sg-latesh", studentsPerClass: 1);
        var id = tree.Students[0].StudentId;
        var observation = cluster.Observe(id, Category.SelfHarm, 1, observedAt: cluster.Time.GetUtcNow() - TimeSpan.FromDays(40));

        var receipt = await cluster.Grains.Student(id).ObserveAsync(observation);

        Assert.Equal(Tier.Red, receipt.Tier);
        var alert = Assert.Single((await StatusAsync(cluster.Grains.District(tree.District.Id))).OpenAlerts);
        Assert.Equal((receipt.AlertId, Tier.Red, Category.SelfHarm), (alert.AlertId, alert.Tier, alert.Category));
    }

    [Fact]
    public async Task Acknowledging_twice_is_harmless()
    {
        var tree = await cluster.CreateTreeAsync("sg-ack2", studentsPerClass: 1);
        var id = tree.Students[0].StudentId;
        var grain = cluster.Grains.Student(id);
        var receipt = await ObserveAsync(id, 2);

        var first = await grain.AcknowledgeAlertAsync(receipt.AlertId!, HeadTeacher);
        cluster.Time.Advance(TimeSpan.FromMinutes(5));
        var second = await grain.AcknowledgeAlertAsync(receipt.AlertId!, new Actor("ht-2", Role.HeadTeacher));

        Assert.Equal(AlertActionOutcome.Done, first.Outcome);
        Assert.Equal(AlertActionOutcome.Done, second.Outcome);
        Assert.Equal(first.Alert, second.Alert);
        var archive = await ArchiveAsync(id);
        Assert.Equal(Tier.Yellow, archive.Tier);
        Assert.Equal(first.Alert, Assert.Single(archive.Alerts));
        var cls = await StatusAsync(cluster.Grains.Class(tree.Classes[0].Id));
        Assert.Equal(new TierCounts(0, 1, 0, 0), cls.Counts);
        Assert.Equal(first.Alert, Assert.Single(cls.OpenAlerts));
    }

    [Fact]
    public async Task Acknowledging_or_resolving_an_unknown_alert_is_NotFound()
    {
        var tree = await cluster.CreateTreeAsync("sg-unknown", studentsPerClass: 2);
        var (id, other) = (tree.Students[0].StudentId, tree.Students[1].StudentId);
        var grain = cluster.Grains.Student(id);
        var mine = await ObserveAsync(id, 2);
        var theirs = await ObserveAsync(other, 2);

        foreach (var alertId in new[] { "A99-" + id, "nonsense", theirs.AlertId! })
        {
            Assert.Equal(new AlertActionResult(AlertActionOutcome.NotFound, null), await grain.AcknowledgeAlertAsync(alertId, HeadTeacher));
            Assert.Equal(new AlertActionResult(AlertActionOutcome.NotFound, null), await grain.ResolveAlertAsync(alertId, PsychTeacher, null));
        }

        var alert = Assert.Single((await ArchiveAsync(id)).Alerts);
        Assert.Equal((mine.AlertId, AlertState.Open), (alert.AlertId, alert.State));
        Assert.Equal(AlertState.Open, Assert.Single((await ArchiveAsync(other)).Alerts).State);
    }

    [Fact]
    public async Task Resolving_twice_is_AlreadyResolved_and_changes_nothing()
    {
        var tree = await cluster.CreateTreeAsync("sg-res2", studentsPerClass: 1);
        var id = tree.Students[0].StudentId;
        var grain = cluster.Grains.Student(id);
        var receipt = await ObserveAsync(id, 2);
        var first = await grain.ResolveAlertAsync(receipt.AlertId!, PsychTeacher, "first");
        cluster.Time.Advance(TimeSpan.FromMinutes(5));

        var second = await grain.ResolveAlertAsync(receipt.AlertId!, new Actor("psy-2", Role.PsychTeacher), "second");
        var acknowledge = await grain.AcknowledgeAlertAsync(receipt.AlertId!, HeadTeacher);

        Assert.Equal(AlertActionOutcome.Done, first.Outcome);
        Assert.Equal(new AlertActionResult(AlertActionOutcome.AlreadyResolved, first.Alert), second);
        Assert.Equal(new AlertActionResult(AlertActionOutcome.AlreadyResolved, first.Alert), acknowledge);
        Assert.Equal(first.Alert, Assert.Single((await ArchiveAsync(id)).Alerts));
        Assert.Equal(new TierCounts(1, 0, 0, 0), (await StatusAsync(cluster.Grains.Class(tree.Classes[0].Id))).Counts);
    }

    [Fact]
    public async Task The_alert_ids_of_different_students_never_collide()
    {
        var tree = await cluster.CreateTreeAsync("sg-ids", studentsPerClass: 0);
        var cls = tree.Classes[0];

        // Ids chosen so that naive "A{n}{id}" or "{id}-{n}" schemes would collide.
        string[] ids = ["sg-ids-1", "sg-ids-11", "1-sg-ids-1", "11-sg-ids-1", "sg-ids-1-1", "A1-sg-ids-1"];
        await cluster.RegisterStudentsAsync(ids.Select(id => new StudentProfile(id, id, "M", cls.Id, cls.SchoolId, cls.DistrictId, [])));

        var alertIds = new Dictionary<string, string>();
        foreach (var id in ids)
        {
            // Three alerts each: raise, resolve, raise again...
            for (var round = 0; round < 3; round++)
            {
                var receipt = await ObserveAsync(id, 2);
                Assert.True(alertIds.TryAdd(receipt.AlertId!, id), $"{receipt.AlertId} of {id} was already the alert of {alertIds.GetValueOrDefault(receipt.AlertId!)}");
                Assert.Equal(AlertActionOutcome.Done, (await cluster.Grains.Student(id).ResolveAlertAsync(receipt.AlertId!, PsychTeacher, null)).Outcome);
            }
        }

        Assert.Equal(ids.Length * 3, alertIds.Count);

        // Each id only works on its own student.
        foreach (var (alertId, owner) in alertIds)
        {
            foreach (var id in ids.Where(i => i != owner))
            {
                Assert.Equal(AlertActionOutcome.NotFound, (await cluster.Grains.Student(id).AcknowledgeAlertAsync(alertId, HeadTeacher)).Outcome);
            }
        }
    }

    [Fact]
    public async Task Students_020235_and_20235_are_different_students()
    {
        var tree = await cluster.CreateTreeAsync("sg-zero", studentsPerClass: 0);
        var cls = tree.Classes[0];
        var leading = new StudentProfile("020235", "甲", "F", cls.Id, cls.SchoolId, cls.DistrictId, []);
        var plain = new StudentProfile("20235", "乙", "M", cls.Id, cls.SchoolId, cls.DistrictId, ["LeftBehind"]);
        await cluster.RegisterStudentsAsync([leading, plain]);

        var a = await ObserveAsync(leading.StudentId, 3); // 6: Yellow
        var b = await ObserveAsync(plain.StudentId, 1); // 1 × 1.25: Green

        Assert.Equal((Tier.Yellow, Tier.Green), (a.Tier, b.Tier));
        var archiveA = await ArchiveAsync(leading.StudentId);
        var archiveB = await ArchiveAsync(plain.StudentId);
        Assert.Equal(("020235", "甲", Tier.Yellow), (archiveA.StudentId, archiveA.Name, archiveA.Tier));
        Assert.Equal(("20235", "乙", Tier.Green), (archiveB.StudentId, archiveB.Name, archiveB.Tier));
        Assert.Equal(a.ObservationId, Assert.Single(archiveA.Observations).ObservationId);
        Assert.Equal(b.ObservationId, Assert.Single(archiveB.Observations).ObservationId);
        Assert.Single(archiveA.Alerts);
        Assert.Empty(archiveB.Alerts);
        Assert.Equal(new TierCounts(1, 1, 0, 0), (await StatusAsync(cluster.Grains.Class(cls.Id))).Counts);
    }

    private Task<ObservationReceipt> ObserveAsync(string id, int severity, DateTimeOffset? observedAt = null) =>
        cluster.Grains.Student(id).ObserveAsync(cluster.Observe(id, Category.Mood, severity, observedAt: observedAt));

    private async Task<StudentArchive> ArchiveAsync(string id) =>
        await cluster.Grains.Student(id).GetArchiveAsync() ?? throw new InvalidOperationException($"{id} is not registered");

    private static async Task<ScopeStatus> StatusAsync(IScopeGrain grain) =>
        await grain.GetStatusAsync() ?? throw new InvalidOperationException($"{grain} has no status");

    private IEnumerable<IScopeGrain> Scopes(TestTree tree) =>
    [
        .. tree.Classes.Select(c => cluster.Grains.Class(c.Id)),
        cluster.Grains.School(tree.School.Id),
        cluster.Grains.District(tree.District.Id),
    ];

    private static TierCounts Delta(ScopeStatus before, ScopeStatus after) => after.Counts + -before.Counts;
}
