using MonitorGrid.Hosting;
using MonitorGrid.Model;
using MonitorGrid.Persistence;

namespace MonitorGrid.Reports;

/// <summary>
/// Works out a monthly report (月报) from the journals of a scope's students, one student at a time, so a
/// district's report streams through without holding its journal. Each student's records before the
/// month's end are replayed in version order: the tier after the last one, every alert as its last record
/// left it, and the case through <see cref="CaseFile"/>, exactly as the student grain reads it. What
/// happened "in the month" is what was recorded in [start, end) Beijing time.
/// </summary>
public sealed class MonthlyReportBuilder
{
    /// <summary>The report names no one: the case file is given a profile with nothing in it.</summary>
    private static readonly StudentProfile Nobody = new("", "", "", "", "", "", []);

    private static readonly (int Level, string To)[] EscalationLevels = [(1, "school"), (2, "district"), (3, "city")];

    private readonly ReportMonth _month;
    private readonly DateTimeOffset _asOf;
    private readonly bool _complete;
    private readonly TimeSpan _followUpEvery;
    private readonly SlaOptions _sla;

    private readonly Dictionary<Category, int> _categories = [];
    private readonly Dictionary<int, int> _escalations = [];
    private readonly Dictionary<ReferralState, int> _referralsRecorded = [];
    private readonly Dictionary<ReferralState, int> _referralsAtEnd = [];
    private int _students;
    private TierCounts _tiers = TierCounts.Zero;
    private int _observations;
    private int _alertsRaised;
    private TierCounts _alertTiers = TierCounts.Zero;
    private int _withinSla;
    private int _late;
    private int _notAcknowledged;
    private int _tracked;
    private int _overdue;
    private int _talks;
    private int _casesOpened;
    private int _casesClosed;
    private int _overdueAlerts;
    private int _withoutReferral;
    private int _leaves;
    private int _returns;
    private int _onLeave;

    /// <param name="month">The month reported on.</param>
    /// <param name="now">The present: a month not yet over is reported up to now and marked incomplete.</param>
    /// <param name="followUp">How long a tracked student may go without a talk (<see cref="FollowUpOptions.TrackedEvery"/>).</param>
    /// <param name="sla">Deadlines for alerts that carry none (raised before deadlines were recorded).</param>
    public MonthlyReportBuilder(ReportMonth month, DateTimeOffset now, FollowUpOptions followUp, SlaOptions sla)
    {
        _month = month;
        _complete = month.End <= now;
        _asOf = _complete ? month.End : now;
        _followUpEvery = followUp.TrackedEvery;
        _sla = sla;
    }

    /// <summary>Streams the scope's journals from <paramref name="insights"/> through a builder and returns the report.</summary>
    public static async Task<MonthlyReport> BuildAsync(
        IGridInsights insights, Scope scope, string name, ReportMonth month, DateTimeOffset now, FollowUpOptions followUp, SlaOptions sla,
        CancellationToken cancellationToken = default)
    {
        var builder = new MonthlyReportBuilder(month, now, followUp, sla);
        await foreach (var student in insights.JournalsBeforeAsync(scope, month.End, cancellationToken))
        {
            builder.Add(student);
        }

        return builder.Build(scope, name);
    }

    /// <summary>Adds one student of the scope: their records in version order (records from the month's end on are ignored).</summary>
    public void Add(StudentJournal student)
    {
        _students++;
        var tier = Tier.Green;
        var file = new CaseFile();
        var alerts = new Dictionary<string, AlertSummary>(StringComparer.Ordinal);
        foreach (var record in student.Records)
        {
            if (record.RecordedAt >= _month.End)
            {
                continue;
            }

            tier = record.TierAfter;
            var change = file.Apply(record, Nobody, _followUpEvery);
            if (record.Alert is { } alert)
            {
                alerts[alert.AlertId] = alert;
            }

            if (_month.Contains(record.RecordedAt))
            {
                CountInMonth(record, change);
            }
        }

        _tiers = _tiers.With(tier, 1);
        foreach (var alert in alerts.Values.Where(a => _month.Contains(a.RaisedAt)))
        {
            CountAlert(alert);
        }

        if (file.Current is { IsOpen: true } open)
        {
            CountOpenCase(open);
        }
    }

    /// <summary>The report over every student added.</summary>
    public MonthlyReport Build(Scope scope, string name)
    {
        CategoryFigure[] categories = [.. Enum.GetValues<Category>().Select(c => new CategoryFigure(c, _categories.GetValueOrDefault(c)))];
        EscalationLevelFigure[] levels = [.. EscalationLevels.Select(l => new EscalationLevelFigure(l.Level, l.To, _escalations.GetValueOrDefault(l.Level)))];
        ReferralFigure[] referrals = [.. Enum.GetValues<ReferralState>()
            .Select(s => new ReferralFigure(s, _referralsRecorded.GetValueOrDefault(s), _referralsAtEnd.GetValueOrDefault(s)))];
        double? share = _alertsRaised == 0 ? null : Math.Round((double)_withinSla / _alertsRaised, 4, MidpointRounding.AwayFromZero);
        return new MonthlyReport(
            scope.ToString(),
            name,
            _month.ToString(),
            ReportMonth.TimeZoneName,
            _month.Start.ToUniversalTime(),
            _month.End.ToUniversalTime(),
            _complete,
            _asOf.ToUniversalTime(),
            _students,
            _tiers,
            new ObservationFigures(_observations, categories),
            new AlertFigures(_alertsRaised, _alertTiers, _withinSla, _late, _notAcknowledged, share),
            new EscalationFigures(levels.Sum(l => l.Count), levels),
            new FollowUpFigures(_tracked, _tracked - _overdue, _overdue, _talks, _casesOpened, _casesClosed, _overdueAlerts),
            new ReferralFigures(referrals, _withoutReferral),
            new LeaveFigures(_leaves, _returns, _onLeave));
    }

    private void CountInMonth(JournalRecord record, CaseChange? change)
    {
        switch (record)
        {
            case { Kind: JournalKind.Observation, Observation: { } observation }:
                _observations++;
                Increment(_categories, observation.Category);
                break;
            case { Kind: JournalKind.Escalate, Alert: { } escalated }:
                Increment(_escalations, Math.Clamp(escalated.EscalationLevel, 1, EscalationLevels.Length));
                break;
            case { Kind: JournalKind.FollowUpOverdue }:
                _overdueAlerts++;
                break;
            case { Kind: JournalKind.Case, Entry: { } entry }:
                CountEntry(entry);
                break;
        }

        if (change == CaseChange.Opened)
        {
            _casesOpened++;
        }
        else if (change == CaseChange.Closed)
        {
            _casesClosed++;
        }
    }

    private void CountEntry(CaseEntry entry)
    {
        switch (entry.Kind)
        {
            case CaseEntryKind.Talk:
                _talks++;
                break;
            case CaseEntryKind.Referral when entry.Referral is { } state:
                Increment(_referralsRecorded, state);
                break;
            case CaseEntryKind.Leave:
                _leaves++;
                break;
            case CaseEntryKind.Return:
                _returns++;
                break;
        }
    }

    /// <summary>An alert raised in the month, as its last record before the month's end left it.</summary>
    private void CountAlert(AlertSummary alert)
    {
        _alertsRaised++;
        _alertTiers = _alertTiers.With(alert.Tier, 1);
        var due = alert.DueAt ?? alert.RaisedAt + _sla.For(alert.Tier);
        var response = alert.AcknowledgedAt ?? alert.ResolvedAt;
        if (response is null)
        {
            _notAcknowledged++;
        }
        else if (response <= due)
        {
            _withinSla++;
        }
        else
        {
            _late++;
        }
    }

    /// <summary>A case open at the month's end (for the current month: now).</summary>
    private void CountOpenCase(CaseSummary open)
    {
        _tracked++;
        if (open.OverdueAt(_asOf))
        {
            _overdue++;
        }

        if (open.Referral is { } state)
        {
            Increment(_referralsAtEnd, state);
        }
        else
        {
            _withoutReferral++;
        }

        if (open.OnLeave)
        {
            _onLeave++;
        }
    }

    private static void Increment<TKey>(Dictionary<TKey, int> counts, TKey key)
        where TKey : notnull => counts[key] = counts.GetValueOrDefault(key) + 1;
}
