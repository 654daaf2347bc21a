using MonitorGrid.Grains;

namespace MonitorGrid.Tests.Grains;

/// <summary>
/// The case of a high-concern student (高关怀) in the student grain: when it opens, what each entry does,
/// the rules on closing, and the follow-up alert when no talk comes in time (30 days by default).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CaseFileTests(ClusterFixture cluster)
{
    private static readonly Actor Psych = new("psy-case", Role.PsychTeacher);
    private static readonly Actor Mentor = new("mentor-case", Role.Mentor);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ThirtyDays = TimeSpan.FromDays(30);

    [Fact]
    public async Task A_Red_observation_opens_a_case_that_class_school_and_district_hear_of_and_the_archive_shows()
    {
        var tree = await cluster.CreateTreeAsync("case-open");
        var student = tree.Students[0].StudentId;
        var recorders = await SubscribeAsync(tree);
        var opened = cluster.Time.GetUtcNow();
        await cluster.Grains.Student(student).ObserveAsync(cluster.Observe(student, Category.SelfHarm, 1));

        var archive = (await cluster.Grains.Student(student).GetArchiveAsync())!;
        var summary = archive.Case!;
        Assert.Equal((student, Tier.Red, opened, opened + ThirtyDays), (summary.StudentId, summary.Tier, summary.OpenedAt, summary.FollowUpDueAt));
        Assert.True(summary.IsOpen);
        Assert.Null(summary.LastContactAt);
        foreach (var (scope, recorder) in recorders)
        {
            await Eventually.HoldsAsync(() => recorder.Cases.Count == 1, $"the case at {scope}");
            Assert.Equal((scope, CaseChange.Opened, student), (recorder.Cases[0].Scope, recorder.Cases[0].Case.Change, recorder.Cases[0].Case.Case.StudentId));
        }
    }

    [Fact]
    public async Task A_Yellow_student_has_no_case_and_only_a_talk_may_be_recorded()
    {
        var tree = await cluster.CreateTreeAsync("case-none", focusGroup: true);
        var student = tree.Students[0].StudentId;
        var grain = cluster.Grains.Student(student);
        await grain.ObserveAsync(cluster.Observe(student, Category.Mood, 2));

        var plan = await grain.RecordCaseEntryAsync(Plan(DateOnly.FromDateTime(cluster.Time.GetUtcNow().UtcDateTime).AddDays(7)), Psych);
        Assert.Equal(CaseActionOutcome.NoOpenCase, plan.Outcome);
        var talk = await grain.RecordCaseEntryAsync(new CaseEntry(CaseEntryKind.Talk, cluster.Time.GetUtcNow(), "每月谈心：情绪平稳"), Mentor);
        Assert.Equal(CaseActionOutcome.Done, talk.Outcome);
        Assert.Null(talk.Case);

        var archive = (await grain.GetArchiveAsync())!;
        Assert.Null(archive.Case);
        Assert.Equal(["每月谈心：情绪平稳"], archive.CaseRecords.Select(r => r.Entry.Note));
        Assert.Equal((Mentor.UserId, Role.Mentor), (archive.CaseRecords[0].ActorId, archive.CaseRecords[0].ActorRole));
    }

    [Fact]
    public async Task Plan_talk_referral_leave_and_return_update_the_case_and_closing_waits_for_the_alert_to_be_resolved()
    {
        var tree = await cluster.CreateTreeAsync("case-life");
        var student = tree.Students[0].StudentId;
        var grain = cluster.Grains.Student(student);
        var receipt = await grain.ObserveAsync(cluster.Observe(student, Category.SelfHarm, 2));
        var nextContact = DateOnly.FromDateTime(cluster.Time.GetUtcNow().UtcDateTime).AddDays(7);

        Assert.Equal("psy-case", (await grain.RecordCaseEntryAsync(Plan(nextContact), Psych)).Case!.PlanOwner);
        cluster.Time.Advance(TimeSpan.FromDays(2));
        var talkedAt = cluster.Time.GetUtcNow() - TimeSpan.FromHours(3);
        var afterTalk = (await grain.RecordCaseEntryAsync(new CaseEntry(CaseEntryKind.Talk, talkedAt, "谈心：愿意接受转介"), Psych)).Case!;
        Assert.Equal((talkedAt, talkedAt + ThirtyDays, nextContact), (afterTalk.LastContactAt, afterTalk.FollowUpDueAt, afterTalk.NextContactOn));
        foreach (var state in Enum.GetValues<ReferralState>())
        {
            var referred = await grain.RecordCaseEntryAsync(
                new CaseEntry(CaseEntryKind.Referral, cluster.Time.GetUtcNow(), null) { Referral = state, Hospital = "市精神卫生中心" }, Psych);
            Assert.Equal(state, referred.Case!.Referral);
        }

        Assert.True((await grain.RecordCaseEntryAsync(new CaseEntry(CaseEntryKind.Leave, cluster.Time.GetUtcNow(), "休学治疗"), Psych)).Case!.OnLeave);
        Assert.False((await grain.RecordCaseEntryAsync(new CaseEntry(CaseEntryKind.Return, cluster.Time.GetUtcNow(), "复学评估通过"), Psych)).Case!.OnLeave);

        var close = new CaseEntry(CaseEntryKind.Close, cluster.Time.GetUtcNow(), "危机解除，转入常规关注");
        Assert.Equal(CaseActionOutcome.AlertStillOpen, (await grain.RecordCaseEntryAsync(close, Psych)).Outcome);
        await grain.ResolveAlertAsync(receipt.AlertId!, Psych, "已处置");
        var closed = await grain.RecordCaseEntryAsync(close, Psych);
        Assert.Equal(CaseActionOutcome.Done, closed.Outcome);
        Assert.Equal((cluster.Time.GetUtcNow(), "危机解除，转入常规关注", Tier.Green), (closed.Case!.ClosedAt, closed.Case.CloseReason, closed.Case.Tier));

        var archive = (await grain.GetArchiveAsync())!;
        Assert.Equal(
            [CaseEntryKind.Close, CaseEntryKind.Return, CaseEntryKind.Leave, CaseEntryKind.Referral, CaseEntryKind.Referral,
                CaseEntryKind.Referral, CaseEntryKind.Referral, CaseEntryKind.Talk, CaseEntryKind.Plan],
            archive.CaseRecords.Select(r => r.Entry.Kind));

        // A closed case takes no more entries but a talk, and a new crisis opens a new case.
        Assert.Equal(CaseActionOutcome.NoOpenCase, (await grain.RecordCaseEntryAsync(new CaseEntry(CaseEntryKind.Leave, cluster.Time.GetUtcNow(), null), Psych)).Outcome);
        cluster.Time.Advance(TimeSpan.FromDays(1));
        await grain.ObserveAsync(cluster.Observe(student, Category.SelfHarm, 1));
        var reopened = (await grain.GetArchiveAsync())!.Case!;
        Assert.Equal((cluster.Time.GetUtcNow(), null, null), (reopened.OpenedAt, reopened.ClosedAt, reopened.Referral));
    }

    [Fact]
    public async Task No_talk_for_thirty_days_raises_one_follow_up_alert_to_school_and_district_and_a_talk_moves_the_deadline()
    {
        var tree = await cluster.CreateTreeAsync("case-overdue");
        var student = tree.Students[0].StudentId;
        var grain = cluster.Grains.Student(student);
        var receipt = await grain.ObserveAsync(cluster.Observe(student, Category.SelfHarm, 1));
        await grain.AcknowledgeAlertAsync(receipt.AlertId!, Psych);
        var due = (await grain.GetArchiveAsync())!.Case!.FollowUpDueAt;
        var recorders = await SubscribeAsync(tree);

        cluster.Time.SetUtcNow(due - Second);
        await grain.CheckDeadlinesAsync();
        cluster.Time.SetUtcNow(due + Second);
        await grain.CheckDeadlinesAsync();
        await grain.CheckDeadlinesAsync();
        foreach (var (scope, recorder) in recorders)
        {
            await Eventually.HoldsAsync(() => recorder.Cases.Count >= 1, $"the follow-up alert at {scope}");
            await Task.Delay(100);
            Assert.Equal([CaseChange.Overdue], recorder.Cases.Select(c => c.Case.Change));
            Assert.True(recorder.Cases[0].Case.Case.OverdueAt(cluster.Time.GetUtcNow()));
        }

        var talk = await grain.RecordCaseEntryAsync(new CaseEntry(CaseEntryKind.Talk, cluster.Time.GetUtcNow(), "补做随访谈话"), Mentor);
        Assert.Equal(cluster.Time.GetUtcNow() + ThirtyDays, talk.Case!.FollowUpDueAt);
        Assert.False(talk.Case.OverdueAt(cluster.Time.GetUtcNow()));

        // The next deadline raises the next alert, once.
        cluster.Time.Advance(ThirtyDays + Second);
        await grain.CheckDeadlinesAsync();
        await Eventually.HoldsAsync(() => recorders[^1].Recorder.Cases.Count(c => c.Case.Change == CaseChange.Overdue) == 2, "the second follow-up alert");
    }

    private CaseEntry Plan(DateOnly nextContact) =>
        new(CaseEntryKind.Plan, cluster.Time.GetUtcNow(), null) { Goals = "每周面谈一次，两周内完成转介评估", Owner = "psy-case", NextContactOn = nextContact };

    private async Task<List<(string Scope, ScopeRecorder Recorder)>> SubscribeAsync(TestTree tree)
    {
        var list = new List<(string, ScopeRecorder)>();
        foreach (var (scope, grain) in new (string, IScopeGrain)[]
        {
            ($"class:{tree.Classes[0].Id}", cluster.Grains.Class(tree.Classes[0].Id)),
            ($"school:{tree.School.Id}", cluster.Grains.School(tree.School.Id)),
            ($"district:{tree.District.Id}", cluster.Grains.District(tree.District.Id)),
        })
        {
            var recorder = new ScopeRecorder();
            await grain.SubscribeAsync(cluster.Cluster.Client.CreateObjectReference<IScopeObserver>(recorder));
            list.Add((scope, recorder));
        }

        return list;
    }
}
