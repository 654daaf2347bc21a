using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MonitorGrid.Hosting;
using MonitorGrid.Infrastructure;
using MonitorGrid.Live;
using MonitorGrid.Model;
using MonitorGrid.Persistence;

namespace MonitorGrid.Grains;

/// <summary>The student as its journal makes it: rebuilt by replaying the journal on every activation, never stored.</summary>
[GenerateSerializer, Alias("mg.StudentState")]
public sealed class StudentState
{
    [Id(0)] public StudentProfile? Profile { get; set; }

    /// <summary>Every observation in the order received.</summary>
    [Id(1)] public List<Observation> Observations { get; set; } = [];

    /// <summary>Observations before this index belong to episodes closed by a resolution.</summary>
    [Id(2)] public int EpisodeStart { get; set; }

    [Id(3)] public Tier Tier { get; set; }

    /// <summary>Every alert, oldest first; only the last may be open.</summary>
    [Id(4)] public List<AlertSummary> Alerts { get; set; } = [];

    [Id(5)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The student's change counter: the version of the last change applied here.</summary>
    [Id(6)] public long Version { get; set; }

    /// <summary>Every screening result in the order stored.</summary>
    [Id(7)] public List<ScreeningResult> Screenings { get; set; } = [];

    /// <summary>Screening results before this index belong to episodes closed by a resolution.</summary>
    [Id(8)] public int ScreeningEpisodeStart { get; set; }
}

/// <summary>
/// One student. Applies the risk model to each observation, holds the tier while an alert is open,
/// keeps at most one open alert, makes every change durable in the journal before applying it, and
/// tells its class of the new status.
/// </summary>
public sealed partial class StudentGrain(
    IGridJournal journal,
    TimeProvider time,
    IOptions<RiskModelOptions> riskModel,
    IOptions<SlaOptions> sla,
    IOptions<FollowUpOptions> followUp,
    ILogger<StudentGrain> logger) : Grain, IStudentGrain, IRemindable
{
    /// <summary>The one durable reminder behind every deadline of the student (SLA steps and follow-up).</summary>
    public const string DeadlineReminder = "deadlines";

    /// <summary>The highest escalation level: the city.</summary>
    public const int TopEscalationLevel = 3;

    /// <summary>How long a change waits for its reminder to be set before leaving it to the retry.</summary>
    private static readonly TimeSpan ReminderWait = TimeSpan.FromSeconds(5);

    /// <summary>The longest due time given to the reminder at once.</summary>
    private static readonly TimeSpan MaxReminderHop = TimeSpan.FromDays(20);

    /// <summary>
    /// Rebuilt from the journal on every activation, and never stored elsewhere: the journal is the
    /// student's state. A stored copy cost a second read on every activation and a write behind every
    /// change, and activations of students not seen for a while are what limits everyday traffic
    /// (docs/benchmarks.md).
    /// </summary>
    private readonly StudentState _state = new();

    private readonly CaseFile _case = new();
    private ScopePublisher? _publisher;
    private OneShotTimer? _resend;
    private OneShotTimer? _reminderRetry;

    /// <summary>The deadline the reminder is set for, as far as this activation knows (unknown after activation).</summary>
    private (bool Known, DateTimeOffset? At) _reminderFor;

    /// <summary>A case change made by the commit in hand, sent up with its propagation.</summary>
    private CaseEvent? _caseEvent;

    private StudentState S => _state;

    private string StudentId => GridGrains.RosterId(this.GetPrimaryKeyString());

    private ScopePublisher Publisher => _publisher ??= new ScopePublisher(this, Snapshot, logger);

    private OneShotTimer Resend => _resend ??= new OneShotTimer(this);

    private AlertSummary? OpenAlert => S.Alerts.Count > 0 && S.Alerts[^1].IsOpen ? S.Alerts[^1] : null;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        var history = await journal.ReadStudentAsync(StudentId, 0, cancellationToken);
        S.Profile = history.Status?.Profile;

        foreach (var record in history.Records)
        {
            Replay(record);
        }

        if (S.Profile is { } profile)
        {
            _case.Follow(profile);
        }

        if (history.Status is { } row && row.Version > S.Version)
        {
            S.Version = row.Version;
        }

        // A roster change after the alert was raised is in the profile, not in the alert's records.
        FollowProfile();
        if (S.Alerts.Count > 0)
        {
            // A student who has had an alert may have changed just before a crash, and an aggregate that
            // stayed up may have missed it: tell the hierarchy again (harmless if it has it: updates
            // carry versions). A student who never had one is Green everywhere already.
            ScheduleResend(attempt: 1);
        }

        // The reminder outlives activations, but a change whose reminder failed to register must not be
        // left without one: make sure of it shortly, without holding up the activation on the database.
        if (NextDeadline() is not null)
        {
            ScheduleReminderCheck(attempt: 1, TimeSpan.Zero);
        }
    }

    public Task<StudentProfile?> GetProfileAsync() => Task.FromResult(Registered());

    public Task<ScopeStatus?> GetStatusAsync() => Task.FromResult(Registered() is null ? null : Snapshot());

    public Task SubscribeAsync(IScopeObserver observer) => Publisher.SubscribeAsync(observer);

    public Task UnsubscribeAsync(IScopeObserver observer) => Publisher.UnsubscribeAsync(observer);

    public async Task<StudentProfile?> RegisterAsync(StudentProfile profile)
    {
        var previous = S.Profile;
        var before = Checkpoint.Of(S);
        var now = time.GetUtcNow();
        S.Profile = profile;

        FollowProfile();
        var caseBefore = _case.Save();
        _case.Follow(profile);

        // Joining a focus group can lift the open episode over a threshold: that is a change like any other.
        var alertEvent = S.Observations.Count > S.EpisodeStart ? Reassess(S.Observations[^1].Category, now)
            : S.Screenings.Count > S.ScreeningEpisodeStart ? Reassess(S.Screenings[^1].Category, now)
            : null;
        var record = alertEvent is null ? null : NextRecord(JournalKind.Reassess, now, OpenAlert);
        var version = S.Version + 1;
        try
        {
            var caseChange = record is null ? null : _case.Apply(record, profile, followUp.Value.TrackedEvery);
            _caseEvent = caseChange is { } change ? new CaseEvent(_case.Current!, change) : null;
            await journal.CommitAsync(new StudentCommit(
                new StudentStatusRow(profile, S.Tier, OpenAlert, version, now) { Case = _case.Current }, record));
        }
        catch
        {
            before.Restore(S);
            _case.Restore(caseBefore);
            _caseEvent = null;
            S.Profile = previous;
            throw;
        }

        S.Version = version;
        S.UpdatedAt = now;
        if (previous is not null && previous.ClassId != profile.ClassId)
        {
            LogStudentMoved(logger, StudentId, previous.ClassId, profile.ClassId);
        }

        if (alertEvent is not null)
        {
            await PropagateAsync(alertEvent);
            ReminderSoon();
        }
        else
        {
            await Publisher.StatusChangedAsync();
        }

        return previous;
    }

    public async Task<SubmissionResult> ApplyObservationAsync(Observation observation, string? idempotencyKey, Scope observerScope)
    {
        if (Registered() is not { } profile)
        {
            return new SubmissionResult(SubmissionOutcome.UnknownStudent, null);
        }

        if (!profile.Lineage.IsWithin(observerScope))
        {
            return new SubmissionResult(SubmissionOutcome.OutsideScope, null);
        }

        var before = Checkpoint.Of(S);
        S.Observations.Add(observation);
        var alertEvent = Reassess(observation.Category, observation.RecordedAt);
        var record = NextRecord(JournalKind.Observation, observation.RecordedAt, alertEvent is null ? null : OpenAlert) with
        {
            Observation = observation,
            IdempotencyKey = idempotencyKey,
        };

        if (await CommitAsync(record, before) == CommitOutcome.DuplicateIdempotencyKey)
        {
            before.Restore(S);
            var first = await journal.FindReceiptAsync(observation.ObserverId, idempotencyKey!)
                ?? throw new InvalidOperationException("The journal reported a duplicate key it cannot find.");
            GridMetrics.ObservationsReplayed.Add(1);
            return new SubmissionResult(SubmissionOutcome.Replayed, first);
        }

        GridMetrics.ObservationsApplied.Add(1);
        if (before.Tier != S.Tier || alertEvent is not null)
        {
            await PropagateAsync(alertEvent);
            ReminderSoon();
        }

        return new SubmissionResult(SubmissionOutcome.Accepted, new ObservationReceipt(observation.ObservationId, StudentId, S.Tier, OpenAlert?.AlertId));
    }

    public async Task<ScreeningReceipt> ApplyScreeningAsync(ScreeningResult result, Actor importer, Scope importerScope, bool release)
    {
        if (Registered() is not { } profile)
        {
            return new ScreeningReceipt(ScreeningOutcome.UnknownStudent, Tier.Green, false, null, null);
        }

        if (!profile.Lineage.IsWithin(importerScope))
        {
            return new ScreeningReceipt(ScreeningOutcome.OutsideScope, Tier.Green, false, null, null);
        }

        if (S.Screenings.Find(r => r.Key == result.Key) is { } stored)
        {
            await ReleaseAsync(release);
            return new ScreeningReceipt(ScreeningOutcome.AlreadyStored, S.Tier, false, OpenAlert?.AlertId, stored);
        }

        var before = Checkpoint.Of(S);
        var now = time.GetUtcNow();
        result = result with { RecordedAt = now, ImportedBy = importer.UserId };
        S.Screenings.Add(result);
        S.UpdatedAt = now;
        var alertEvent = Reassess(result.Category, now);
        var record = NextRecord(JournalKind.Screening, now, alertEvent is null ? null : OpenAlert) with { Actor = importer, Screening = result };
        if (await CommitAsync(record, before) != CommitOutcome.Committed)
        {
            // The key went in meanwhile (an import's bulk path stored it): nothing changes here.
            before.Restore(S);
            await ReleaseAsync(release);
            return new ScreeningReceipt(
                ScreeningOutcome.AlreadyStored, S.Tier, false, OpenAlert?.AlertId, S.Screenings.Find(r => r.Key == result.Key));
        }

        GridMetrics.ScreeningsApplied.Add(1);
        var raised = before.Tier != S.Tier;
        if (raised || alertEvent is not null || _caseEvent is not null)
        {
            await PropagateAsync(alertEvent);
            ReminderSoon();
        }

        await ReleaseAsync(release);
        return new ScreeningReceipt(ScreeningOutcome.Applied, S.Tier, raised, OpenAlert?.AlertId, null);
    }

    /// <summary>
    /// Lets an activation an import woke go as soon as nothing depends on it staying: its reminder is set
    /// (awaited here, since a pending timer would go with the activation and a deadline with it), nothing
    /// is waiting to be sent up, and nobody watches the student live.
    /// </summary>
    private async Task ReleaseAsync(bool release)
    {
        if (!release || (_publisher?.HasSubscribers ?? false) || (_resend?.IsArmed ?? false))
        {
            return;
        }

        if (_reminderRetry?.IsArmed ?? false)
        {
            _reminderRetry.Disarm();
            if (!await EnsureReminderAsync())
            {
                return;
            }
        }

        DeactivateOnIdle();
    }

    public async Task<StudentArchive?> GetArchiveAsync()
    {
        if (S.Profile is not { } p)
        {
            return null;
        }

        // The archive reads the journal for the observations, which this grain holds only for scoring.
        var history = await journal.ReadStudentAsync(StudentId, 0);
        var observations = history.Records
            .Select(r => r.Observation)
            .OfType<Observation>()
            .OrderByDescending(o => o.ObservedAt)
            .ThenByDescending(o => o.RecordedAt)
            .ToArray();
        var alerts = Enumerable.Reverse(S.Alerts).ToArray();
        return new StudentArchive(
            p.StudentId, p.Name, p.Gender, p.ClassId, p.SchoolId, p.DistrictId, S.Tier, p.FocusGroups, observations, alerts)
        {
            Case = _case.Current,
            CaseRecords = [.. Enumerable.Reverse(_case.Records)],
            MentorId = p.MentorId,
            // From the journal too: an import may have stored quiet results since this activation began.
            Screenings = [.. history.Records.Select(r => r.Screening).OfType<ScreeningResult>()
                .OrderByDescending(r => r.TakenOn).ThenByDescending(r => r.RecordedAt)],
        };
    }

    public async Task<CaseActionResult> RecordCaseEntryAsync(CaseEntry entry, Actor actor)
    {
        if (Registered() is null)
        {
            return new CaseActionResult(CaseActionOutcome.UnknownStudent, null, null);
        }

        if (entry.Kind != CaseEntryKind.Talk && !_case.IsOpen)
        {
            return new CaseActionResult(CaseActionOutcome.NoOpenCase, _case.Current, null);
        }

        if (entry.Kind == CaseEntryKind.Close && OpenAlert is { Tier: >= Tier.Orange })
        {
            return new CaseActionResult(CaseActionOutcome.AlertStillOpen, _case.Current, null);
        }

        var before = Checkpoint.Of(S);
        var now = time.GetUtcNow();
        S.UpdatedAt = now;
        var record = NextRecord(JournalKind.Case, now, null) with { Actor = actor, Note = entry.Note, Entry = entry };
        await CommitAsync(record, before);
        if (_caseEvent is not null)
        {
            await PropagateAsync(null);
            ReminderSoon();
        }

        return new CaseActionResult(CaseActionOutcome.Done, _case.Current, _case.Records[^1]);
    }

    public async Task CheckDeadlinesAsync()
    {
        if (Registered() is null)
        {
            await EnsureReminderAsync();
            return;
        }

        var now = time.GetUtcNow();

        // One level per missed step, in order, each its own record: a node that was down across two steps
        // catches up on both, and a step already in the journal is never taken twice.
        while (OpenAlert is { State: AlertState.Open, DueAt: not null } alert
            && alert.EscalationLevel < TopEscalationLevel
            && now >= NextStep(alert))
        {
            await EscalateAsync(alert, now);
        }

        if (_case.PendingFollowUp is { } due && now >= due)
        {
            var before = Checkpoint.Of(S);
            S.UpdatedAt = now;
            await CommitAsync(NextRecord(JournalKind.FollowUpOverdue, now, null), before);
            LogFollowUpOverdue(logger, StudentId, due);
            GridMetrics.FollowUpsOverdue.Add(1);
            await PropagateAsync(null);
        }

        await EnsureReminderAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == DeadlineReminder ? CheckDeadlinesAsync() : Task.CompletedTask;

    private async Task EscalateAsync(AlertSummary alert, DateTimeOffset now)
    {
        var missed = NextStep(alert);
        var level = alert.EscalationLevel + 1;
        var before = Checkpoint.Of(S);
        var escalated = alert with { EscalationLevel = level, EscalatedAt = now, UpdatedAt = now };
        S.Alerts[^1] = escalated;
        S.UpdatedAt = now;
        await CommitAsync(NextRecord(JournalKind.Escalate, now, escalated), before);
        var target = AlertVisibility.EscalationTarget(escalated, level);
        LogEscalated(logger, escalated.AlertId, StudentId, level, target.ToString(), missed);
        GridMetrics.Escalations.Add(1);
        await PropagateAsync(null, new EscalationEvent(escalated, level, target.ToString(), missed, now));
    }

    /// <summary>When the alert's next escalation step falls due: its deadline, then one SLA period per level taken.</summary>
    private DateTimeOffset NextStep(AlertSummary alert) => alert.DueAt!.Value + (sla.Value.For(alert.Tier) * alert.EscalationLevel);

    /// <summary>The earliest deadline still to act on, if any.</summary>
    private DateTimeOffset? NextDeadline()
    {
        DateTimeOffset? next = null;
        if (OpenAlert is { State: AlertState.Open, DueAt: not null } alert && alert.EscalationLevel < TopEscalationLevel)
        {
            next = NextStep(alert);
        }

        if (_case.PendingFollowUp is { } due && (next is null || due < next))
        {
            next = due;
        }

        return next;
    }

    /// <summary>
    /// Points the durable reminder at the next deadline, or removes it when there is none. A failure is
    /// retried with back-off: a deadline without a reminder would be a missed escalation. Answers whether
    /// the reminder is set now (false: the retry, a timer of this activation, has taken over).
    /// </summary>
    private async Task<bool> EnsureReminderAsync()
    {
        try
        {
            // The change is durable already: a reminder service that is slow to answer must not hold the
            // request that made it (the retry below takes over).
            await SetReminderAsync().WaitAsync(ReminderWait);
            return true;
        }
        catch (Exception ex)
        {
            LogReminderFailed(logger, ex, StudentId);
            ScheduleReminderCheck(attempt: 1, TimeSpan.FromSeconds(1));
            return false;
        }
    }

    private async Task SetReminderAsync()
    {
        // Timers behind a reminder's first tick cannot wait longer than about 24.8 days (Task.Delay's
        // int.MaxValue milliseconds) in some places: a later deadline, such as a 30-day follow-up, is
        // reached in hops well inside that, each tick finding nothing due and setting the next hop.
        var now = time.GetUtcNow();
        var target = NextDeadline() is { } next ? (next - now > MaxReminderHop ? now + MaxReminderHop : next) : (DateTimeOffset?)null;
        if (_reminderFor.Known && _reminderFor.At == target)
        {
            return;
        }

        // A reminder already set for a time still ahead and no later than needed will tick first and set
        // the next one then (an acknowledgement, say, moves the deadline later): no write now.
        if (_reminderFor is { Known: true, At: { } registered } && registered > now && (target is null || target > registered))
        {
            return;
        }

        if (target is { } at)
        {
            var dueIn = at - now;
            await this.RegisterOrUpdateReminder(DeadlineReminder, dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero, sla.Value.ReminderPeriod);
        }
        else if (await this.GetReminder(DeadlineReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _reminderFor = (true, target);
    }

    /// <summary>
    /// Sets the reminder right after the change in hand, off its request: registering is a write to the
    /// reminder table of its own, and awaiting it cost every alert-raising observation a round trip
    /// (docs/benchmarks.md). Changes in one burst share one registration; a pending retry is brought forward.
    /// </summary>
    private void ReminderSoon()
    {
        _reminderRetry?.Disarm();
        ScheduleReminderCheck(attempt: 1, TimeSpan.Zero);
    }

    private void ScheduleReminderCheck(int attempt, TimeSpan delay)
    {
        _reminderRetry ??= new OneShotTimer(this);
        _reminderRetry.Arm(delay, async () =>
        {
            try
            {
                await SetReminderAsync();
            }
            catch (Exception ex)
            {
                LogReminderFailed(logger, ex, StudentId);
                ScheduleReminderCheck(attempt + 1, TimeSpan.FromSeconds(Math.Min(60, 1 << Math.Min(attempt, 6))));
            }
        });
    }

    public async Task<AlertActionResult> AcknowledgeAlertAsync(string alertId, Actor actor)
    {
        if (FindUnresolved(alertId, out var index) is { } refused)
        {
            return refused;
        }

        var alert = S.Alerts[index];
        if (alert.State == AlertState.Acknowledged)
        {
            return new AlertActionResult(AlertActionOutcome.Done, alert);
        }

        if (alert.EscalationLevel > 0)
        {
            LogAcknowledgedLate(logger, alertId, StudentId, alert.EscalationLevel);
        }

        var before = Checkpoint.Of(S);
        var now = time.GetUtcNow();
        alert = alert with { State = AlertState.Acknowledged, AcknowledgedAt = now, AcknowledgedBy = actor.UserId, UpdatedAt = now };
        S.Alerts[index] = alert;
        S.UpdatedAt = now;
        await CommitAsync(NextRecord(JournalKind.Acknowledge, now, alert) with { Actor = actor }, before);
        await PropagateAsync(alert.ToEvent(AlertChange.Acknowledged));
        ReminderSoon();
        return new AlertActionResult(AlertActionOutcome.Done, alert);
    }

    public async Task<AlertActionResult> ResolveAlertAsync(string alertId, Actor actor, string? note)
    {
        if (FindUnresolved(alertId, out var index) is { } refused)
        {
            return refused;
        }

        var before = Checkpoint.Of(S);
        var now = time.GetUtcNow();
        note = string.IsNullOrWhiteSpace(note) ? null : note;
        var alert = S.Alerts[index] with
        {
            State = AlertState.Resolved,
            ResolvedAt = now,
            ResolvedBy = actor.UserId,
            ResolutionNote = note,
            UpdatedAt = now,
        };
        S.Alerts[index] = alert;

        // Resolution closes the episode: what was recorded up to now, screening results too, no longer counts.
        S.EpisodeStart = S.Observations.Count;
        S.ScreeningEpisodeStart = S.Screenings.Count;
        S.Tier = Tier.Green;
        S.UpdatedAt = now;
        await CommitAsync(NextRecord(JournalKind.Resolve, now, alert) with { Actor = actor, Note = note }, before);
        LogAlertResolved(logger, alertId, StudentId, actor.UserId);
        await PropagateAsync(alert.ToEvent(AlertChange.Resolved));
        ReminderSoon();
        return new AlertActionResult(AlertActionOutcome.Done, alert);
    }

    /// <summary>The open alert carries the student's name and lineage: keep them as the profile has them.</summary>
    private void FollowProfile()
    {
        if (OpenAlert is { } open && S.Profile is { } profile)
        {
            S.Alerts[^1] = open with
            {
                StudentName = profile.Name,
                ClassId = profile.ClassId,
                SchoolId = profile.SchoolId,
                DistrictId = profile.DistrictId,
            };
        }
    }

    /// <summary>Finds an alert to act on; returns the refusal when there is none or it is already resolved.</summary>
    private AlertActionResult? FindUnresolved(string alertId, out int index)
    {
        index = S.Alerts.FindIndex(a => a.AlertId == alertId);
        if (index < 0)
        {
            return new AlertActionResult(AlertActionOutcome.NotFound, null);
        }

        return S.Alerts[index].State == AlertState.Resolved
            ? new AlertActionResult(AlertActionOutcome.AlreadyResolved, S.Alerts[index])
            : null;
    }

    /// <summary>
    /// Scores the open episode and raises the tier (never lowers it); raises or escalates the alert. The
    /// tier is the higher of the observations' and the screening results' in the episode.
    /// </summary>
    private AlertEvent? Reassess(Category trigger, DateTimeOffset now)
    {
        var from = S.Tier;
        var observed = RiskModel.Assess(
            S.Observations.Skip(S.EpisodeStart), S.Profile!.FocusGroups.Length > 0, now, riskModel.Value).Tier;
        var screened = S.Screenings.Skip(S.ScreeningEpisodeStart).Select(r => r.Tier).DefaultIfEmpty(Tier.Green).Max();
        var tier = observed >= screened ? observed : screened;
        if (tier <= from)
        {
            return null;
        }

        S.Tier = tier;
        S.UpdatedAt = now;
        AlertEvent alertEvent;
        var deadline = now + sla.Value.For(tier);
        if (OpenAlert is { } open)
        {
            // A climb re-opens an acknowledged alert with the new tier's deadline and no escalation; an
            // alert still waiting keeps its escalation and the sooner of the two deadlines.
            var waiting = open.State == AlertState.Open;
            var raised = open with
            {
                Tier = tier,
                PreviousTier = open.Tier,
                Category = trigger,
                State = AlertState.Open,
                UpdatedAt = now,
                AcknowledgedAt = null,
                AcknowledgedBy = null,
                DueAt = waiting && open.DueAt is { } due && due < deadline ? due : deadline,
                EscalationLevel = waiting ? open.EscalationLevel : 0,
            };
            S.Alerts[^1] = raised;
            alertEvent = raised.ToEvent(AlertChange.Escalated);
        }
        else
        {
            var p = S.Profile;
            var raised = new AlertSummary(
                AlertIds.Create(StudentId, S.Alerts.Count + 1), StudentId, p.Name, p.ClassId, p.SchoolId, p.DistrictId,
                tier, from, trigger, AlertState.Open, now, now)
            {
                DueAt = deadline,
            };
            S.Alerts.Add(raised);
            alertEvent = raised.ToEvent(AlertChange.Raised);
        }

        LogTierRaised(logger, StudentId, from, tier, alertEvent.AlertId);
        return alertEvent;
    }

    private JournalRecord NextRecord(JournalKind kind, DateTimeOffset now, AlertSummary? touched) => new(
        StudentId, S.Version + 1, kind, now, S.Tier, OpenAlert?.AlertId, touched, null, null, null, null);

    /// <summary>
    /// Makes the change durable, or puts the state back as it was and lets the failure through. When the
    /// version is taken by records this activation has not seen, and they are all quiet screening results
    /// (stored in bulk by an import for a Green student: they change nothing but the archive), they are
    /// taken in and the change is committed after them; any other unseen record means this activation is
    /// stale, so it gives way and the next call replays.
    /// </summary>
    private async Task<CommitOutcome> CommitAsync(JournalRecord record, Checkpoint before)
    {
        for (var attempt = 1; ; attempt++)
        {
            var caseBefore = _case.Save();
            _caseEvent = null;
            CommitOutcome outcome;
            try
            {
                var caseChange = _case.Apply(record, S.Profile!, followUp.Value.TrackedEvery);
                var caseMoved = caseChange is not null || _case.Current != caseBefore.Current;

                // The status row changes only with the tier, the alert or the case (see StudentCommit).
                var status = record.Alert is null && record.TierAfter == before.Tier && !caseMoved
                    ? null
                    : new StudentStatusRow(S.Profile!, S.Tier, OpenAlert, record.Version, record.RecordedAt) { Case = _case.Current };
                outcome = await journal.CommitAsync(new StudentCommit(status, record));
                if (outcome == CommitOutcome.Committed && caseChange is { } change)
                {
                    _caseEvent = new CaseEvent(_case.Current!, change);
                }
            }
            catch
            {
                before.Restore(S);
                _case.Restore(caseBefore);
                throw;
            }

            if (outcome == CommitOutcome.Committed)
            {
                S.Version = record.Version;
                return outcome;
            }

            _case.Restore(caseBefore);
            var unseen = await TakeInQuietScreeningsAsync(before);
            if (unseen == Unseen.TakenIn && attempt < 4)
            {
                record = record with { Version = S.Version + 1 };
                continue;
            }

            // Nothing unseen: the record's own key was used before (an observation's idempotency key, or a
            // screening result's file row key). The caller decides what that means.
            if (unseen == Unseen.None && (record.IdempotencyKey is not null || record.Kind == JournalKind.Screening))
            {
                return outcome;
            }

            before.Restore(S);
            DeactivateOnIdle();
            throw new InvalidOperationException($"Student {StudentId} changed elsewhere at version {record.Version}; retry.");
        }
    }

    private enum Unseen
    {
        None,
        TakenIn,
        Other,
    }

    /// <summary>Reads the records after this activation's version and takes them in if they are all quiet screening results.</summary>
    private async Task<Unseen> TakeInQuietScreeningsAsync(Checkpoint before)
    {
        var newer = (await journal.ReadStudentAsync(StudentId, S.Version)).Records;
        if (newer.Count == 0)
        {
            return Unseen.None;
        }

        if (!newer.All(r => r is { Kind: JournalKind.Screening, Screening: not null, Alert: null } && r.TierAfter == before.Tier && r.OpenAlertId == before.OpenAlertId))
        {
            return Unseen.Other;
        }

        // They came before the change in hand: in the archive's order, and inside the episode a resolution
        // in hand is closing.
        var results = newer.Select(r => r.Screening!).ToList();
        S.Screenings.InsertRange(before.Screenings, results);
        if (S.ScreeningEpisodeStart != before.ScreeningEpisodeStart)
        {
            S.ScreeningEpisodeStart += results.Count;
        }

        before.Screenings += results.Count;
        foreach (var r in newer)
        {
            _case.Apply(r, S.Profile!, followUp.Value.TrackedEvery);
        }

        S.Version = newer[^1].Version;
        return Unseen.TakenIn;
    }

    /// <summary>Applies a journal record to the state, exactly as it was applied when it was made.</summary>
    private void Replay(JournalRecord record)
    {
        if (record.Observation is { } observation)
        {
            S.Observations.Add(observation);
        }

        if (record.Screening is { } screening)
        {
            S.Screenings.Add(screening);
        }

        if (record.Kind == JournalKind.Resolve)
        {
            S.EpisodeStart = S.Observations.Count;
            S.ScreeningEpisodeStart = S.Screenings.Count;
        }

        if (record.Alert is { } alert)
        {
            var index = S.Alerts.FindIndex(a => a.AlertId == alert.AlertId);
            if (index >= 0)
            {
                S.Alerts[index] = alert;
            }
            else
            {
                S.Alerts.Add(alert);
            }
        }

        S.Tier = record.TierAfter;
        S.Version = record.Version;
        S.UpdatedAt = record.RecordedAt;
        if (S.Profile is { } profile)
        {
            _case.Apply(record, profile, followUp.Value.TrackedEvery);
        }
    }

    /// <summary>
    /// Tells the hierarchy of a committed change. The change is durable already, so a failure here does
    /// not fail the request: the latest status is sent again until the chain takes it (updates are
    /// idempotent by version), and aggregates that activate meanwhile load it from the projection.
    /// </summary>
    private async Task PropagateAsync(AlertEvent? alertEvent, EscalationEvent? escalation = null)
    {
        GridMetrics.AlertEvents.Add(alertEvent is null ? 0 : 1);
        var update = new StudentUpdate(StudentId, S.Version, S.Tier, OpenAlert, alertEvent)
        {
            Escalation = escalation,
            Case = _caseEvent,
        };
        _caseEvent = null;
        try
        {
            await GrainFactory.Class(S.Profile!.ClassId).ApplyAsync(update);
        }
        catch (Exception ex)
        {
            LogPropagationFailed(logger, ex, StudentId, update.Version);
            ScheduleResend(attempt: 1);
        }

        if (alertEvent is not null)
        {
            await Publisher.PublishAlertAsync(Scope.Student(StudentId).ToString(), alertEvent);
        }

        await Publisher.StatusChangedAsync();
    }

    private void ScheduleResend(int attempt)
    {
        // 1 s, 2 s, 4 s … up to a minute between attempts.
        var delay = TimeSpan.FromSeconds(Math.Min(60, 1 << Math.Min(attempt - 1, 6)));
        Resend.Arm(delay, async () =>
        {
            var latest = new StudentUpdate(StudentId, S.Version, S.Tier, OpenAlert, null);
            try
            {
                await GrainFactory.Class(S.Profile!.ClassId).ApplyAsync(latest);
                LogPropagationRecovered(logger, StudentId, latest.Version, attempt);
            }
            catch (Exception ex)
            {
                LogPropagationFailed(logger, ex, StudentId, latest.Version);
                ScheduleResend(attempt + 1);
            }
        });
    }

    /// <summary>
    /// The profile; when there is none, the student is not in the roster (yet), and this activation does
    /// not linger: a student registered in bulk a moment later is found by the next call, which activates
    /// afresh and reads the projection.
    /// </summary>
    private StudentProfile? Registered()
    {
        if (S.Profile is null)
        {
            DeactivateOnIdle();
        }

        return S.Profile;
    }

    private ScopeStatus? Snapshot()
    {
        if (S.Profile is not { } p)
        {
            return null;
        }

        var open = OpenAlert;
        return new ScopeStatus(
            Scope.Student(StudentId).ToString(), p.Name, TierCounts.Zero.With(S.Tier, 1),
            open is null ? Array.Empty<AlertSummary>() : new[] { open }, S.UpdatedAt);
    }

    /// <summary>What a change may touch, to put back when the journal refuses or fails.</summary>
    private sealed record Checkpoint(
        int Observations, int EpisodeStart, int ScreeningEpisodeStart, Tier Tier, AlertSummary[] Alerts, DateTimeOffset UpdatedAt)
    {
        /// <summary>Screening results before the change; grows when quiet results stored meanwhile are taken in.</summary>
        public int Screenings { get; set; }

        /// <summary>The open alert before the change.</summary>
        public string? OpenAlertId => Alerts.Length > 0 && Alerts[^1].IsOpen ? Alerts[^1].AlertId : null;

        public static Checkpoint Of(StudentState s) =>
            new(s.Observations.Count, s.EpisodeStart, s.ScreeningEpisodeStart, s.Tier, [.. s.Alerts], s.UpdatedAt) { Screenings = s.Screenings.Count };

        public void Restore(StudentState s)
        {
            s.Observations.RemoveRange(Observations, s.Observations.Count - Observations);
            s.EpisodeStart = EpisodeStart;
            s.Screenings.RemoveRange(Screenings, s.Screenings.Count - Screenings);
            s.ScreeningEpisodeStart = ScreeningEpisodeStart;
            s.Tier = Tier;
            s.Alerts = [.. Alerts];
            s.UpdatedAt = UpdatedAt;
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Student {StudentId} rose from {From} to {To} (alert {AlertId})")]
    private static partial void LogTierRaised(ILogger logger, string studentId, Tier from, Tier to, string alertId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Alert {AlertId} of student {StudentId} resolved by {UserId}")]
    private static partial void LogAlertResolved(ILogger logger, string alertId, string studentId, string userId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Student {StudentId} moved from class {From} to {To}")]
    private static partial void LogStudentMoved(ILogger logger, string studentId, string from, string to);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Alert {AlertId} of student {StudentId} was not acknowledged in time: escalated to level {Level} ({Target}); the missed deadline was {Deadline}")]
    private static partial void LogEscalated(ILogger logger, string alertId, string studentId, int level, string target, DateTimeOffset deadline);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "Alert {AlertId} of student {StudentId} acknowledged after escalation to level {Level}")]
    private static partial void LogAcknowledgedLate(ILogger logger, string alertId, string studentId, int level);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Student {StudentId}'s follow-up is overdue (no talk by {Deadline}): follow-up alert raised")]
    private static partial void LogFollowUpOverdue(ILogger logger, string studentId, DateTimeOffset deadline);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Error, Message = "Setting student {StudentId}'s deadline reminder failed; retrying")]
    private static partial void LogReminderFailed(ILogger logger, Exception exception, string studentId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Telling the hierarchy of student {StudentId}'s change {Version} failed; it will be sent again")]
    private static partial void LogPropagationFailed(ILogger logger, Exception exception, string studentId, long version);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Student {StudentId}'s status {Version} reached the hierarchy after {Attempts} attempts")]
    private static partial void LogPropagationRecovered(ILogger logger, string studentId, long version, int attempts);
}
