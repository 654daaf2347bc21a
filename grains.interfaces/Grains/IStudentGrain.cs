namespace MonitorGrid.Grains;

/// <summary>One student: applies the risk model, keeps observations and alerts, tells its class of changes.</summary>
[Alias("mg.IStudentGrain")]
public interface IStudentGrain : IScopeGrain
{
    /// <summary>
    /// Registers or updates the student and returns the profile it had before (null when new). Counts
    /// follow when the caller refreshes the aggregates of the old and new class.
    /// </summary>
    [Alias("Register")]
    Task<StudentProfile?> RegisterAsync(StudentProfile profile);

    /// <summary>The roster entry, or null when the student is not registered.</summary>
    [Alias("GetProfile")]
    Task<StudentProfile?> GetProfileAsync();

    /// <summary>
    /// Applies an observation made by a staff member whose scope is <paramref name="observerScope"/>, and
    /// returns the tier and open alert after it. Completes only when the observation is durable in the
    /// journal. An idempotency key the observer used before returns the first receipt, marked replayed.
    /// A student not in the roster, or outside the observer's scope, is refused and nothing is added.
    /// </summary>
    [Alias("ApplyObservation")]
    Task<SubmissionResult> ApplyObservationAsync(Observation observation, string? idempotencyKey, Scope observerScope);

    /// <summary>The archive (一生一档), or null when the student is not registered.</summary>
    [Alias("GetArchive")]
    Task<StudentArchive?> GetArchiveAsync();

    /// <summary>Acknowledges the open alert <paramref name="alertId"/>; acknowledging twice is harmless.</summary>
    [Alias("Acknowledge")]
    Task<AlertActionResult> AcknowledgeAlertAsync(string alertId, Actor actor);

    /// <summary>Resolves the alert, closes the episode and lets the tier fall.</summary>
    [Alias("Resolve")]
    Task<AlertActionResult> ResolveAlertAsync(string alertId, Actor actor, string? note);

    /// <summary>
    /// Records a case entry (plan, talk, referral, leave, return, closing) made by <paramref name="actor"/>.
    /// Only a talk may be recorded without an open case; a case cannot close while an Orange or Red alert
    /// is open. Completes when the entry is durable.
    /// </summary>
    [Alias("RecordCase")]
    Task<CaseActionResult> RecordCaseEntryAsync(CaseEntry entry, Actor actor);

    /// <summary>
    /// Applies a screening result imported by <paramref name="importer"/>, whose scope is
    /// <paramref name="importerScope"/>: the student's tier becomes the higher of the observation tier and
    /// the screening tier, and an alert is raised or raised again as an observation would. A result whose
    /// key is stored already changes nothing. Completes when the result is durable. With
    /// <paramref name="release"/> the activation goes once the change is safe (its reminder set), unless
    /// somebody watches the student: an import touches a city's students once each and must not keep
    /// them all in memory.
    /// </summary>
    [Alias("ApplyScreening")]
    Task<ScreeningReceipt> ApplyScreeningAsync(ScreeningResult result, Actor importer, Scope importerScope, bool release);

    /// <summary>
    /// Acts on every deadline that has passed by the grain's clock: escalates an alert nobody acknowledged
    /// in time (one level per missed step) and raises the follow-up alert of an overdue case. The durable
    /// reminder calls this; calling it again changes nothing until the next deadline.
    /// </summary>
    [Alias("CheckDeadlines")]
    Task CheckDeadlinesAsync();
}
