using MonitorGrid.Hosting;
using MonitorGrid.Persistence;
using MonitorGrid.Reports;

namespace MonitorGrid.Tests.Reports;

/// <summary>
/// The monthly report's builder alone, on a fixture month worked out by hand: March 2026 in Beijing time,
/// [2026-03-01 00:00, 2026-04-01 00:00) +08:00, default deadlines (Red 15 min, Orange 24 h, Yellow 72 h)
/// and follow-up every 30 days. Every expected figure below says which records make it.
/// </summary>
public sealed class Monthly_report_figures_match_a_hand_computed_month
{
    private static readonly TimeSpan Sla15Minutes = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Sla24Hours = TimeSpan.FromHours(24);
    private static readonly TimeSpan Sla72Hours = TimeSpan.FromHours(72);
    private static readonly ReportMonth March = new(2026, 3);

    /// <summary>An instant in Beijing time, 2026.</summary>
    private static DateTimeOffset Bj(int month, int day, int hour, int minute) => new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    private static MonthlyReportBuilder Builder(DateTimeOffset now) => new(March, now, new FollowUpOptions(), new SlaOptions());

    /// <summary>
    /// The fixture. s1: Red, answered in time, the whole case from opening to closing. s2: Orange, two
    /// escalations, answered late, referred, on leave, never talked with (overdue at the month's end). s3:
    /// Yellow, never answered, escalated to all three levels. s4: Red and its case from 23:59 on the last
    /// day of February, follow-up alert, a talk at 23:59 on 31 March, records at 00:00 on 1 April. s5: Yellow
    /// at 23:59 on 31 March, answered at 00:00 on 1 April. s6: Yellow answered, climbs to Orange (a new
    /// acknowledgement is due), resolved without one in time, a referral proposed. s7: nothing at all.
    /// </summary>
    private static StudentJournal[] Fixture()
    {
        var s1 = new Journal("s1");
        s1.Observe(Bj(2, 28, 23, 59), Category.Mood, Tier.Green); // February: not in March
        var a1 = s1.Raise("A1-s1", Tier.Red, Bj(3, 1, 0, 0), Sla15Minutes); // due 00:15
        s1.Observe(Bj(3, 1, 0, 0), Category.SelfHarm, Tier.Red, a1); // 00:00 on the 1st: in March; opens the case
        a1 = s1.Acknowledge(Bj(3, 1, 0, 10), a1); // 00:10 ≤ 00:15: within the SLA
        s1.Entry(Bj(3, 2, 10, 0), new CaseEntry(CaseEntryKind.Plan, Bj(3, 2, 10, 0), null) { Goals = "稳定情绪", Owner = "psy", NextContactOn = new DateOnly(2026, 3, 9) });
        s1.Entry(Bj(3, 3, 10, 0), Talk(Bj(3, 3, 10, 0)));
        s1.Entry(Bj(3, 4, 10, 0), Referral(Bj(3, 4, 10, 0), ReferralState.Proposed));
        s1.Entry(Bj(3, 5, 10, 0), Referral(Bj(3, 5, 10, 0), ReferralState.Referred));
        s1.Entry(Bj(3, 8, 10, 0), Referral(Bj(3, 8, 10, 0), ReferralState.Seen));
        s1.Entry(Bj(3, 12, 10, 0), new CaseEntry(CaseEntryKind.Leave, Bj(3, 12, 10, 0), "休学治疗"));
        s1.Entry(Bj(3, 20, 10, 0), new CaseEntry(CaseEntryKind.Return, Bj(3, 20, 10, 0), null));
        s1.Entry(Bj(3, 21, 10, 0), Referral(Bj(3, 21, 10, 0), ReferralState.Returned));
        s1.Resolve(Bj(3, 22, 10, 0), a1); // Green from here
        s1.Entry(Bj(3, 25, 10, 0), new CaseEntry(CaseEntryKind.Close, Bj(3, 25, 10, 0), "情况稳定，结案"));

        var s2 = new Journal("s2");
        var a2 = s2.Raise("A1-s2", Tier.Orange, Bj(3, 1, 0, 1), Sla24Hours); // due 2 March 00:01
        s2.Observe(Bj(3, 1, 0, 1), Category.Family, Tier.Orange, a2); // opens the case: follow-up due 31 March 00:01
        a2 = s2.Escalate(Bj(3, 2, 0, 1), a2); // level 1
        a2 = s2.Escalate(Bj(3, 3, 0, 1), a2); // level 2
        s2.Acknowledge(Bj(3, 3, 9, 0), a2); // after 2 March 00:01: late
        s2.Entry(Bj(3, 10, 10, 0), Referral(Bj(3, 10, 10, 0), ReferralState.Proposed));
        s2.Entry(Bj(3, 15, 10, 0), Referral(Bj(3, 15, 10, 0), ReferralState.Referred));
        s2.Entry(Bj(3, 18, 10, 0), new CaseEntry(CaseEntryKind.Leave, Bj(3, 18, 10, 0), null));
        s2.Record(JournalKind.FollowUpOverdue, Bj(3, 31, 0, 2), null); // the reminder, a minute after the deadline

        var s3 = new Journal("s3");
        var a3 = s3.Raise("A1-s3", Tier.Yellow, Bj(3, 10, 8, 0), Sla72Hours); // due 13 March 08:00
        s3.Observe(Bj(3, 10, 8, 0), Category.Withdrawal, Tier.Yellow, a3);
        a3 = s3.Escalate(Bj(3, 13, 8, 0), a3); // level 1
        a3 = s3.Escalate(Bj(3, 16, 8, 0), a3); // level 2
        s3.Escalate(Bj(3, 19, 8, 0), a3); // level 3, and never acknowledged

        var s4 = new Journal("s4");
        var a4 = s4.Raise("A1-s4", Tier.Red, Bj(2, 28, 23, 59), Sla15Minutes); // raised in February: not one of March's
        s4.Observe(Bj(2, 28, 23, 59), Category.SelfHarm, Tier.Red, a4); // opens the case in February: follow-up due 30 March 23:59
        s4.Acknowledge(Bj(3, 1, 0, 5), a4);
        s4.Record(JournalKind.FollowUpOverdue, Bj(3, 31, 0, 0), null);
        s4.Entry(Bj(3, 31, 23, 59), Talk(Bj(3, 31, 23, 59))); // 23:59 on the last day: in March; follow-up due 30 April
        s4.Observe(Bj(3, 31, 23, 59), Category.Mood, Tier.Red);
        s4.Observe(Bj(4, 1, 0, 0), Category.Anxiety, Tier.Red); // 00:00 on 1 April: not in March
        s4.Entry(Bj(4, 1, 0, 0), Referral(Bj(4, 1, 0, 0), ReferralState.Proposed)); // nor is this

        var s5 = new Journal("s5");
        var a5 = s5.Raise("A1-s5", Tier.Yellow, Bj(3, 31, 23, 59), Sla72Hours);
        s5.Observe(Bj(3, 31, 23, 59), Category.Bullying, Tier.Yellow, a5);
        s5.Acknowledge(Bj(4, 1, 0, 0), a5); // in April: at the month's end it was not acknowledged

        var s6 = new Journal("s6");
        var a6 = s6.Raise("A1-s6", Tier.Yellow, Bj(3, 5, 9, 0), Sla72Hours);
        s6.Observe(Bj(3, 5, 9, 0), Category.Academic, Tier.Yellow, a6);
        a6 = s6.Acknowledge(Bj(3, 5, 10, 0), a6);
        // The climb re-opens it as Orange with a new deadline (6 March 09:00 + 24 h) and no acknowledgement; opens the case.
        a6 = a6 with { Tier = Tier.Orange, PreviousTier = Tier.Yellow, State = AlertState.Open, AcknowledgedAt = null, DueAt = Bj(3, 7, 9, 0) };
        s6.Observe(Bj(3, 6, 9, 0), Category.Behavior, Tier.Orange, a6);
        s6.Resolve(Bj(3, 6, 20, 0), a6); // the first response after the climb, before 7 March 09:00: within the SLA
        s6.Entry(Bj(3, 7, 10, 0), Referral(Bj(3, 7, 10, 0), ReferralState.Proposed));

        return [s1.Done(), s2.Done(), s3.Done(), s4.Done(), s5.Done(), s6.Done(), new StudentJournal("s7", [])];
    }

    [Fact]
    public void A_past_month_is_complete_and_every_figure_is_the_hand_computed_one()
    {
        var builder = Builder(now: Bj(4, 10, 12, 0));
        foreach (var student in Fixture())
        {
            builder.Add(student);
        }

        var report = builder.Build(Scope.School("h"), "一中");

        Assert.Equal(("school:h", "一中", "2026-03", "Asia/Shanghai"), (report.Scope, report.Name, report.Month, report.TimeZone));
        Assert.Equal(new DateTimeOffset(2026, 2, 28, 16, 0, 0, TimeSpan.Zero), report.From);
        Assert.Equal(new DateTimeOffset(2026, 3, 31, 16, 0, 0, TimeSpan.Zero), report.To);
        Assert.Equal(TimeSpan.Zero, report.From.Offset);
        Assert.True(report.Complete);
        Assert.Equal(report.To, report.AsOf);

        // s1..s7.
        Assert.Equal(7, report.Students);
        // Last tier before the end: s1 Green (resolved), s2 Orange, s3 Yellow, s4 Red (acknowledged, never resolved),
        // s5 Yellow, s6 Green (resolved), s7 Green (no record).
        Assert.Equal(new TierCounts(Green: 3, Yellow: 2, Orange: 1, Red: 1), report.Tiers);

        // In March: s1 SelfHarm (00:00 on the 1st), s2 Family, s3 Withdrawal, s4 Mood (23:59 on the 31st), s5 Bullying,
        // s6 Academic and Behavior. Not: s1 Mood and s4 SelfHarm (23:59 on 28 Feb), s4 Anxiety (00:00 on 1 April).
        Assert.Equal(7, report.Observations.Total);
        Assert.Equal(Enum.GetValues<Category>(), report.Observations.Categories.Select(c => c.Category));
        Assert.Equal(
            new Dictionary<Category, int>
            {
                [Category.Mood] = 1, [Category.Anxiety] = 0, [Category.Withdrawal] = 1, [Category.Behavior] = 1, [Category.Academic] = 1,
                [Category.Attendance] = 0, [Category.SleepAppetite] = 0, [Category.Bullying] = 1, [Category.Family] = 1,
                [Category.SelfHarm] = 1, [Category.Other] = 0,
            },
            report.Observations.Categories.ToDictionary(c => c.Category, c => c.Count));

        // Raised in March: A1-s1, A1-s2, A1-s3, A1-s5, A1-s6 (A1-s4 was raised in February) = 5. Tiers as they stood:
        // Red s1; Orange s2, s6 (climbed); Yellow s3, s5. Within: s1 (acknowledged 00:10 ≤ 00:15), s6 (resolved
        // 6 March 20:00 ≤ 7 March 09:00) = 2. Late: s2 (3 March 09:00 > 2 March 00:01) = 1. Not by the end: s3, s5 = 2.
        // Share 2 / 5 = 0.4.
        Assert.Equal(new AlertFigures(5, new TierCounts(0, 2, 2, 1), WithinSla: 2, Late: 1, NotAcknowledged: 2, ShareWithinSla: 0.4), report.Alerts);

        // s2 levels 1, 2; s3 levels 1, 2, 3.
        Assert.Equal(5, report.Escalations.Total);
        Assert.Equal([(1, "school", 2), (2, "district", 2), (3, "city", 1)], report.Escalations.Levels.Select(l => (l.Level, l.Reaches, l.Count)));

        // Open at the end: s2, s4, s6 (s1 closed on the 25th; s3 and s5 never reached Orange) = 3. Overdue at
        // 1 April 00:00: s2 (due 31 March 00:01); on schedule: s4 (talk on 31 March, due 30 April), s6 (opened
        // 6 March, due 5 April). Talks in March: s1, s4 = 2. Opened in March: s1, s2, s6 (s4 opened in February) = 3.
        // Closed: s1 = 1. Follow-up alerts: s2 (31 March 00:02), s4 (31 March 00:00) = 2.
        Assert.Equal(new FollowUpFigures(Tracked: 3, OnSchedule: 2, Overdue: 1, Talks: 2, CasesOpened: 3, CasesClosed: 1, OverdueAlerts: 2), report.FollowUps);

        // Recorded in March: Proposed s1, s2, s6; Referred s1, s2; Seen s1; Returned s1 (s4's proposal is in April).
        // Open cases at the end: s2 Referred, s6 Proposed, s4 none.
        Assert.Equal(
            [(ReferralState.Proposed, 3, 1), (ReferralState.Referred, 2, 1), (ReferralState.Seen, 1, 0), (ReferralState.Returned, 1, 0)],
            report.Referrals.States.Select(s => (s.State, s.Recorded, s.OpenCasesAtEnd)));
        Assert.Equal(1, report.Referrals.OpenCasesWithout);

        // Leaves s1, s2; returns s1; on leave at the end: s2 (s1 returned and is closed).
        Assert.Equal(new LeaveFigures(Leaves: 2, Returns: 1, OnLeaveAtEnd: 1), report.Leave);
    }

    [Fact]
    public void The_current_month_is_incomplete_and_its_month_end_figures_are_taken_now()
    {
        // On 30 March 12:00 the store holds s2's records up to then: the case (due 31 March 00:01) is not overdue yet.
        var now = Bj(3, 30, 12, 0);
        var builder = Builder(now);
        var s2 = Fixture()[1];
        builder.Add(s2 with { Records = [.. s2.Records.Where(r => r.RecordedAt <= now)] });

        var report = builder.Build(Scope.District("d"), "一区");

        Assert.False(report.Complete);
        Assert.Equal(now, report.AsOf);
        Assert.Equal(TimeSpan.Zero, report.AsOf.Offset);
        Assert.Equal((1, 1, 0, 0), (report.FollowUps.Tracked, report.FollowUps.OnSchedule, report.FollowUps.Overdue, report.FollowUps.OverdueAlerts));

        // The same student a month later: the month is over and the case was overdue at its end.
        var later = Builder(Bj(4, 30, 12, 0));
        later.Add(s2);
        var complete = later.Build(Scope.District("d"), "一区");
        Assert.True(complete.Complete);
        Assert.Equal((1, 0, 1, 1), (complete.FollowUps.Tracked, complete.FollowUps.OnSchedule, complete.FollowUps.Overdue, complete.FollowUps.OverdueAlerts));
    }

    [Fact]
    public void The_share_is_rounded_to_four_decimals_and_an_alert_without_a_deadline_gets_its_tiers()
    {
        // Three Yellow alerts raised on 2 March 08:00. One carries no deadline (raised before deadlines were kept):
        // it gets Yellow's 72 hours, so its acknowledgement 4 days later is late. Another answered in 1 hour, the
        // third never: 1 / 3 = 0.33333… → 0.3333.
        var builder = Builder(Bj(4, 2, 0, 0));
        var raised = Bj(3, 2, 8, 0);
        var onTime = new Journal("t1");
        onTime.Acknowledge(raised.AddHours(1), onTime.Raise("A1-t1", Tier.Yellow, raised, Sla72Hours));
        var undated = new Journal("t2");
        undated.Acknowledge(raised.AddDays(4), undated.Raise("A1-t2", Tier.Yellow, raised, Sla72Hours) with { DueAt = null });
        var never = new Journal("t3");
        never.Observe(raised, Category.Mood, Tier.Yellow, never.Raise("A1-t3", Tier.Yellow, raised, Sla72Hours));
        foreach (var journal in new[] { onTime, undated, never })
        {
            builder.Add(journal.Done());
        }

        var report = builder.Build(Scope.School("h"), "一中");

        Assert.Equal(new AlertFigures(3, new TierCounts(0, 3, 0, 0), WithinSla: 1, Late: 1, NotAcknowledged: 1, ShareWithinSla: 0.3333), report.Alerts);

        // Two of three: 0.66666… → 0.6667; none raised: no share at all.
        var twoOfThree = Builder(Bj(4, 2, 0, 0));
        var second = new Journal("t4");
        second.Acknowledge(raised.AddHours(2), second.Raise("A1-t4", Tier.Yellow, raised, Sla72Hours));
        foreach (var journal in new[] { onTime, never, second })
        {
            twoOfThree.Add(journal.Done());
        }

        Assert.Equal(0.6667, twoOfThree.Build(Scope.School("h"), "一中").Alerts.ShareWithinSla);
        Assert.Null(Builder(Bj(4, 2, 0, 0)).Build(Scope.School("h"), "一中").Alerts.ShareWithinSla);
    }

    [Fact]
    public void A_month_is_read_as_yyyy_MM_and_bounded_by_Beijing_midnights()
    {
        Assert.True(ReportMonth.TryParse("2026-12", out var december));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero), december.Start);
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 16, 0, 0, TimeSpan.Zero), december.End);
        Assert.Equal(new ReportMonth(2027, 1), ReportMonth.Of(december.End));
        Assert.Equal(december, ReportMonth.Of(december.End.AddTicks(-1)));
        foreach (var bad in new[] { null, "", "2026-3", "2026-13", "2026-00", "26-03", "2026/03", "2026-03-01", "1999-12", " 2026-03" })
        {
            Assert.False(ReportMonth.TryParse(bad, out _), bad);
        }
    }

    private static CaseEntry Talk(DateTimeOffset at) => new(CaseEntryKind.Talk, at, "谈心谈话");

    private static CaseEntry Referral(DateTimeOffset at, ReferralState state) =>
        new(CaseEntryKind.Referral, at, null) { Referral = state, Hospital = "市第八人民医院" };

    /// <summary>One student's journal as the grain writes it: versions in order, each record with the tier after it and the alert it touched.</summary>
    private sealed class Journal(string studentId)
    {
        private readonly List<JournalRecord> _records = [];
        private Tier _tier = Tier.Green;

        public StudentJournal Done() => new(studentId, [.. _records]);

        public AlertSummary Raise(string id, Tier tier, DateTimeOffset at, TimeSpan sla) =>
            new(id, studentId, "", "c", "h", "d", tier, Tier.Green, Category.Other, AlertState.Open, at, at) { DueAt = at + sla };

        public void Observe(DateTimeOffset at, Category category, Tier tierAfter, AlertSummary? raised = null)
        {
            var observation = new Observation($"o-{studentId}-{_records.Count}", studentId, category, 2, null, at, at, "ht", Role.HeadTeacher);
            _tier = tierAfter;
            _records.Add(Next(JournalKind.Observation, at, raised) with { Observation = observation });
        }

        public AlertSummary Acknowledge(DateTimeOffset at, AlertSummary alert)
        {
            alert = alert with { State = AlertState.Acknowledged, AcknowledgedAt = at, AcknowledgedBy = "psy", UpdatedAt = at };
            Record(JournalKind.Acknowledge, at, alert);
            return alert;
        }

        public void Resolve(DateTimeOffset at, AlertSummary alert)
        {
            _tier = Tier.Green;
            Record(JournalKind.Resolve, at, alert with { State = AlertState.Resolved, ResolvedAt = at, ResolvedBy = "psy", UpdatedAt = at });
        }

        public AlertSummary Escalate(DateTimeOffset at, AlertSummary alert)
        {
            alert = alert with { EscalationLevel = alert.EscalationLevel + 1, EscalatedAt = at, UpdatedAt = at };
            Record(JournalKind.Escalate, at, alert);
            return alert;
        }

        public void Entry(DateTimeOffset at, CaseEntry entry) =>
            _records.Add(Next(JournalKind.Case, at, null) with { Entry = entry, Actor = new Actor("psy", Role.PsychTeacher) });

        public void Record(JournalKind kind, DateTimeOffset at, AlertSummary? alert) => _records.Add(Next(kind, at, alert));

        private JournalRecord Next(JournalKind kind, DateTimeOffset at, AlertSummary? alert) =>
            new(studentId, _records.Count + 1, kind, at, _tier, alert?.AlertId, alert, null, null, null, null);
    }
}
