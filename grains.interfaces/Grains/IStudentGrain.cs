namespace MonitorGrid.Grains;

/// <summary>One student: applies the risk model, keeps observations and alerts, tells its class of changes.</summary>
[Alias("mg.IStudentGrain")]
public interface IStudentGrain : IScopeGrain
{
    /// <summary>Registers or updates the student; a new class moves their counts and open alert with them.</summary>
    [Alias("Register")]
    Task RegisterAsync(StudentProfile profile);

    /// <summary>The roster entry, or null when the student is not registered.</summary>
    [Alias("GetProfile")]
    Task<StudentProfile?> GetProfileAsync();

    /// <summary>
    /// Applies an observation and returns the tier and open alert after it. Completes only when the
    /// observation is applied and every level above has folded the change in.
    /// </summary>
    [Alias("ApplyObservation")]
    Task<ObservationReceipt> ApplyObservationAsync(Observation observation);

    /// <summary>The archive (一生一档), or null when the student is not registered.</summary>
    [Alias("GetArchive")]
    Task<StudentArchive?> GetArchiveAsync();

    /// <summary>Acknowledges the open alert <paramref name="alertId"/>; acknowledging twice is harmless.</summary>
    [Alias("Acknowledge")]
    Task<AlertActionResult> AcknowledgeAlertAsync(string alertId, Actor actor);

    /// <summary>Resolves the alert, closes the episode and lets the tier fall.</summary>
    [Alias("Resolve")]
    Task<AlertActionResult> ResolveAlertAsync(string alertId, Actor actor, string? note);
}
