using MonitorGrid.Grains;

namespace MonitorGrid.Tests.Grains;

/// <summary>
/// SLA deadlines on the collection's fake clock: each tier's default deadline just before and just after,
/// the steps school → district → city, and what stops them. The durable reminder calls
/// <see cref="IStudentGrain.CheckDeadlinesAsync"/>; these tests call it themselves at chosen instants.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EscalationTests(ClusterFixture cluster)
{
    private static readonly Actor HeadTeacher = new("ht-esc", Role.HeadTeacher);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    public static TheoryData<string, Category, int, int, double> Tiers => new()
    {
        // tier, category, severity, how many such observations, the default deadline in minutes
        { "Red", Category.SelfHarm, 1, 1, 15 },
        { "Orange", Category.Mood, 3, 2, 24 * 60 },
        { "Yellow", Category.Mood, 2, 1, 72 * 60 },
    };

    [Theory]
    [MemberData(nameof(Tiers))]
    public async Task An_alert_is_not_escalated_a_second_before_its_tier_deadline_and_goes_to_the_school_a_second_after(
        string tier, Category category, int severity, int observations, double minutes)
    {
        var tree = await cluster.CreateTreeAsync($"esc-{tier}");
        var student = tree.Students[0].StudentId;
        var school = new ScopeRecorder();
        await cluster.Grains.School(tree.School.Id).SubscribeAsync(cluster.Cluster.Client.CreateObjectReference<IScopeObserver>(school));
        var grain = cluster.Grains.Student(student);
        ObservationReceipt receipt = null!;
        for (var i = 0; i < observations; i++)
        {
            receipt = await grain.ObserveAsync(cluster.Observe(student, category, severity));
        }

        Assert.Equal(Enum.Parse<Tier>(tier), receipt.Tier);
        var raised = await AlertAsync(student);
        Assert.Equal(raised.RaisedAt + TimeSpan.FromMinutes(minutes), raised.DueAt);

        cluster.Time.SetUtcNow(raised.DueAt!.Value - Second);
        await grain.CheckDeadlinesAsync();
        Assert.Equal(0, (await AlertAsync(student)).EscalationLevel);
        Assert.Empty(school.Escalations);

        cluster.Time.SetUtcNow(raised.DueAt!.Value + Second);
        await grain.CheckDeadlinesAsync();
        var escalated = await AlertAsync(student);
        Assert.Equal(1, escalated.EscalationLevel);
        Assert.Equal(raised.DueAt!.Value + Second, escalated.EscalatedAt);
        await Eventually.HoldsAsync(() => school.Escalations.Count == 1, "the escalation at the school");
        var (scope, escalation) = school.Escalations[0];
        Assert.Equal($"school:{tree.School.Id}", scope);
        Assert.Equal((1, $"school:{tree.School.Id}", raised.DueAt!.Value), (escalation.Level, escalation.EscalatedTo, escalation.DueAt));
        Assert.Equal(1, (await cluster.Grains.School(tree.School.Id).GetStatusAsync())!.Escalated);

        // Asking again at the same instant takes no second step.
        await grain.CheckDeadlinesAsync();
        Assert.Equal(1, (await AlertAsync(student)).EscalationLevel);
    }

    [Fact]
    public async Task An_unacknowledged_Red_alert_climbs_school_then_district_then_a_count_at_the_city_and_no_further()
    {
        var tree = await cluster.CreateTreeAsync("esc-steps");
        var student = tree.Students[0].StudentId;
        var district = new ScopeRecorder();
        await cluster.Grains.District(tree.District.Id).SubscribeAsync(cluster.Cluster.Client.CreateObjectReference<IScopeObserver>(district));
        var grain = cluster.Grains.Student(student);
        await grain.ObserveAsync(cluster.Observe(student, Category.SelfHarm, 2));
        var due = (await AlertAsync(student)).DueAt!.Value;
        var cityBefore = (await cluster.Grains.City().GetStatusAsync())!.Escalated;

        // Down for an hour across every step: one check catches up on all three, one record each.
        cluster.Time.SetUtcNow(due + TimeSpan.FromHours(1));
        await grain.CheckDeadlinesAsync();
        var alert = await AlertAsync(student);
        Assert.Equal(StudentGrain.TopEscalationLevel, alert.EscalationLevel);
        await Eventually.HoldsAsync(() => district.Escalations.Count == 1, "the escalation at the district");
        Assert.Equal((2, due + TimeSpan.FromMinutes(15)), (district.Escalations[0].Escalation.Level, district.Escalations[0].Escalation.DueAt));
        Assert.Equal(cityBefore + 1, (await cluster.Grains.City().GetStatusAsync())!.Escalated);
        Assert.Equal(1, (await cluster.Grains.District(tree.District.Id).GetStatusAsync())!.Escalated);

        cluster.Time.Advance(TimeSpan.FromDays(1));
        await grain.CheckDeadlinesAsync();
        Assert.Equal(StudentGrain.TopEscalationLevel, (await AlertAsync(student)).EscalationLevel);
        Assert.Single(district.Escalations);

        // Acknowledging answers the escalation: the counts fall back.
        await grain.AcknowledgeAlertAsync(alert.AlertId, HeadTeacher);
        Assert.Equal(cityBefore, (await cluster.Grains.City().GetStatusAsync())!.Escalated);
        Assert.Equal(0, (await cluster.Grains.District(tree.District.Id).GetStatusAsync())!.Escalated);
    }

    [Fact]
    public async Task An_acknowledged_alert_is_never_escalated()
    {
        var tree = await cluster.CreateTreeAsync("esc-ack");
        var student = tree.Students[0].StudentId;
        var grain = cluster.Grains.Student(student);
        var receipt = await grain.ObserveAsync(cluster.Observe(student, Category.SelfHarm, 1));
        cluster.Time.Advance(TimeSpan.FromMinutes(14));
        await grain.AcknowledgeAlertAsync(receipt.AlertId!, HeadTeacher);

        cluster.Time.Advance(TimeSpan.FromHours(2));
        await grain.CheckDeadlinesAsync();
        var alert = await AlertAsync(student);
        Assert.Equal((AlertState.Acknowledged, 0), (alert.State, alert.EscalationLevel));
        Assert.True(alert.AcknowledgedAt <= alert.DueAt, "acknowledged within its deadline");
    }

    [Fact]
    public async Task A_Yellow_alert_that_climbs_to_Red_takes_the_sooner_Red_deadline()
    {
        var tree = await cluster.CreateTreeAsync("esc-climb");
        var student = tree.Students[0].StudentId;
        var grain = cluster.Grains.Student(student);
        await grain.ObserveAsync(cluster.Observe(student, Category.Mood, 2));
        var yellow = await AlertAsync(student);
        Assert.Equal(yellow.RaisedAt + TimeSpan.FromHours(72), yellow.DueAt);

        cluster.Time.Advance(TimeSpan.FromHours(1));
        await grain.ObserveAsync(cluster.Observe(student, Category.SelfHarm, 1));
        var red = await AlertAsync(student);
        Assert.Equal((Tier.Red, yellow.AlertId), (red.Tier, red.AlertId));
        Assert.Equal(cluster.Time.GetUtcNow() + TimeSpan.FromMinutes(15), red.DueAt);

        cluster.Time.Advance(TimeSpan.FromMinutes(16));
        await grain.CheckDeadlinesAsync();
        Assert.Equal(1, (await AlertAsync(student)).EscalationLevel);
    }

    [Fact]
    public async Task An_escalated_alert_rebuilt_after_deactivation_is_not_escalated_again()
    {
        var tree = await cluster.CreateTreeAsync("esc-replay");
        var student = tree.Students[0].StudentId;
        var grain = cluster.Grains.Student(student);
        await grain.ObserveAsync(cluster.Observe(student, Category.SelfHarm, 1));
        cluster.Time.Advance(TimeSpan.FromMinutes(16));
        await grain.CheckDeadlinesAsync();
        var before = await AlertAsync(student);
        Assert.Equal(1, before.EscalationLevel);

        await grain.AsReference<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(200);
        await grain.CheckDeadlinesAsync();
        var after = await AlertAsync(student);
        Assert.Equal((1, before.EscalatedAt), (after.EscalationLevel, after.EscalatedAt));
    }

    private async Task<AlertSummary> AlertAsync(string student) =>
        (await cluster.Grains.Student(student).GetArchiveAsync())!.Alerts[0];
}
