using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MonitorGrid.Hosting;
using MonitorGrid.Infrastructure;
using MonitorGrid.Live;
using MonitorGrid.Model;

namespace MonitorGrid.Grains;

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
}

/// <summary>
/// One student. Applies the risk model to each observation, holds the tier while an alert is open,
/// keeps at most one open alert, and tells its class of every change as a delta.
/// </summary>
public sealed partial class StudentGrain(
    [PersistentState(GridStorage.StudentState, GridStorage.Store)] IPersistentState<StudentState> state,
    TimeProvider time,
    IOptions<RiskModelOptions> riskModel,
    ILogger<StudentGrain> logger) : Grain, IStudentGrain
{
    private ScopePublisher? _publisher;

    private StudentState S => state.State;

    private string StudentId => GridGrains.RosterId(this.GetPrimaryKeyString());

    private ScopePublisher Publisher => _publisher ??= new ScopePublisher(this, Snapshot, logger);

    private AlertSummary? OpenAlert => S.Alerts.Count > 0 && S.Alerts[^1].IsOpen ? S.Alerts[^1] : null;

    public Task<StudentProfile?> GetProfileAsync() => Task.FromResult(S.Profile);

    public Task<ScopeStatus?> GetStatusAsync() => Task.FromResult(Snapshot());

    public Task SubscribeAsync(IScopeObserver observer) => Publisher.SubscribeAsync(observer);

    public Task UnsubscribeAsync(IScopeObserver observer) => Publisher.UnsubscribeAsync(observer);

    public async Task RegisterAsync(StudentProfile profile)
    {
        var previous = S.Profile;
        var now = time.GetUtcNow();
        S.Profile = profile;
        S.UpdatedAt = now;

        // The open alert carries the student's name and lineage: keep it current.
        if (OpenAlert is { } open)
        {
            S.Alerts[^1] = open with
            {
                StudentName = profile.Name,
                ClassId = profile.ClassId,
                SchoolId = profile.SchoolId,
                DistrictId = profile.DistrictId,
            };
        }

        // A new focus group can lift the score over a threshold.
        var change = Reassess(S.Observations.Count > S.EpisodeStart ? S.Observations[^1].Category : Category.Other, now);
        await state.WriteStateAsync();

        var slot = new[] { new AlertSlot(StudentId, OpenAlert) };
        if (previous is null)
        {
            await GrainFactory.Class(profile.ClassId).ApplyAsync(
                new ScopeDelta(TierCounts.Move(null, S.Tier), slot, change.Event));
        }
        else if (previous.ClassId != profile.ClassId)
        {
            LogStudentMoved(logger, StudentId, previous.ClassId, profile.ClassId);
            await GrainFactory.Class(previous.ClassId).ApplyAsync(
                new ScopeDelta(TierCounts.Move(change.From, null), [new AlertSlot(StudentId, null)], null));
            await GrainFactory.Class(profile.ClassId).ApplyAsync(
                new ScopeDelta(TierCounts.Move(null, S.Tier), slot, change.Event));
        }
        else
        {
            await GrainFactory.Class(profile.ClassId).ApplyAsync(
                new ScopeDelta(TierCounts.Move(change.From, S.Tier), slot, change.Event));
        }

        await PublishAsync(change.Event);
    }

    public async Task<ObservationReceipt> ApplyObservationAsync(Observation observation)
    {
        if (S.Profile is null)
        {
            throw new InvalidOperationException($"Student {StudentId} is not in the roster.");
        }

        S.Observations.Add(observation);
        var change = Reassess(observation.Category, time.GetUtcNow());
        await state.WriteStateAsync();
        GridMetrics.ObservationsApplied.Add(1);

        if (change.Changed)
        {
            await PropagateAsync(change.From, change.Event);
        }

        return new ObservationReceipt(observation.ObservationId, StudentId, S.Tier, OpenAlert?.AlertId);
    }

    public Task<StudentArchive?> GetArchiveAsync()
    {
        if (S.Profile is not { } p)
        {
            return Task.FromResult<StudentArchive?>(null);
        }

        var observations = S.Observations
            .OrderByDescending(o => o.ObservedAt)
            .ThenByDescending(o => o.RecordedAt)
            .ToArray();
        var alerts = Enumerable.Reverse(S.Alerts).ToArray();
        return Task.FromResult<StudentArchive?>(new StudentArchive(
            p.StudentId, p.Name, p.Gender, p.ClassId, p.SchoolId, p.DistrictId, S.Tier, p.FocusGroups,
            observations, alerts));
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

        var now = time.GetUtcNow();
        alert = alert with { State = AlertState.Acknowledged, AcknowledgedAt = now, AcknowledgedBy = actor.UserId, UpdatedAt = now };
        S.Alerts[index] = alert;
        S.UpdatedAt = now;
        await state.WriteStateAsync();
        await PropagateAsync(S.Tier, alert.ToEvent(AlertChange.Acknowledged));
        return new AlertActionResult(AlertActionOutcome.Done, alert);
    }

    public async Task<AlertActionResult> ResolveAlertAsync(string alertId, Actor actor, string? note)
    {
        if (FindUnresolved(alertId, out var index) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow();
        var alert = S.Alerts[index] with
        {
            State = AlertState.Resolved,
            ResolvedAt = now,
            ResolvedBy = actor.UserId,
            ResolutionNote = string.IsNullOrWhiteSpace(note) ? null : note,
            UpdatedAt = now,
        };
        S.Alerts[index] = alert;

        // Resolution closes the episode: what was recorded up to now no longer counts.
        var from = S.Tier;
        S.EpisodeStart = S.Observations.Count;
        S.Tier = Tier.Green;
        S.UpdatedAt = now;
        await state.WriteStateAsync();
        LogAlertResolved(logger, alertId, StudentId, actor.UserId);
        await PropagateAsync(from, alert.ToEvent(AlertChange.Resolved));
        return new AlertActionResult(AlertActionOutcome.Done, alert);
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

    /// <summary>Scores the open episode and raises the tier (never lowers it); raises or escalates the alert.</summary>
    private TierChange Reassess(Category trigger, DateTimeOffset now)
    {
        var from = S.Tier;
        if (S.Profile is null)
        {
            return new TierChange(from, null, false);
        }

        var assessment = RiskModel.Assess(
            S.Observations.Skip(S.EpisodeStart), S.Profile.FocusGroups.Count > 0, now, riskModel.Value);
        if (assessment.Tier <= from)
        {
            return new TierChange(from, null, false);
        }

        S.Tier = assessment.Tier;
        S.UpdatedAt = now;
        AlertEvent alertEvent;
        if (OpenAlert is { } open)
        {
            var raised = open with
            {
                Tier = assessment.Tier,
                PreviousTier = open.Tier,
                Category = trigger,
                State = AlertState.Open,
                UpdatedAt = now,
                AcknowledgedAt = null,
                AcknowledgedBy = null,
            };
            S.Alerts[^1] = raised;
            alertEvent = raised.ToEvent(AlertChange.Escalated);
        }
        else
        {
            var p = S.Profile;
            var raised = new AlertSummary(
                AlertIds.Create(StudentId, S.Alerts.Count + 1), StudentId, p.Name, p.ClassId, p.SchoolId, p.DistrictId,
                assessment.Tier, from, trigger, AlertState.Open, now, now);
            S.Alerts.Add(raised);
            alertEvent = raised.ToEvent(AlertChange.Raised);
        }

        LogTierRaised(logger, StudentId, from, assessment.Tier, alertEvent.AlertId);
        return new TierChange(from, alertEvent, true);
    }

    private async Task PropagateAsync(Tier from, AlertEvent? alertEvent)
    {
        GridMetrics.AlertEvents.Add(alertEvent is null ? 0 : 1);
        var delta = new ScopeDelta(
            TierCounts.Move(from, S.Tier),
            [new AlertSlot(StudentId, OpenAlert)],
            alertEvent);
        await GrainFactory.Class(S.Profile!.ClassId).ApplyAsync(delta);
        await PublishAsync(alertEvent);
    }

    private async Task PublishAsync(AlertEvent? alertEvent)
    {
        if (alertEvent is not null)
        {
            await Publisher.PublishAlertAsync(Scope.Student(StudentId).ToString(), alertEvent);
        }

        await Publisher.StatusChangedAsync();
    }

    private ScopeStatus? Snapshot()
    {
        if (S.Profile is not { } p)
        {
            return null;
        }

        var open = OpenAlert;
        return new ScopeStatus(
            Scope.Student(StudentId).ToString(), p.Name, TierCounts.Move(null, S.Tier),
            open is null ? Array.Empty<AlertSummary>() : [open], S.UpdatedAt);
    }

    private readonly record struct TierChange(Tier From, AlertEvent? Event, bool Changed);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Student {StudentId} rose from {From} to {To} (alert {AlertId})")]
    private static partial void LogTierRaised(ILogger logger, string studentId, Tier from, Tier to, string alertId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Alert {AlertId} of student {StudentId} resolved by {UserId}")]
    private static partial void LogAlertResolved(ILogger logger, string alertId, string studentId, string userId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Student {StudentId} moved from class {From} to {To}")]
    private static partial void LogStudentMoved(ILogger logger, string studentId, string from, string to);
}
