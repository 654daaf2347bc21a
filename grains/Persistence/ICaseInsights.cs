namespace MonitorGrid.Persistence;

/// <summary>A vulnerable-group student and the last talk recorded with them (null: none yet).</summary>
/// <param name="Profile">The roster entry, with focus groups and mentor.</param>
/// <param name="LastTalkAt">When the last talk took place.</param>
public sealed record MentoredStudent(StudentProfile Profile, DateTimeOffset? LastTalkAt);

/// <summary>
/// Read models of the follow-up work over the status projection and the journal: the open cases of a
/// scope (the follow-up board) and its vulnerable-group students with their last talk (the mentoring list).
/// </summary>
public interface ICaseInsights
{
    /// <summary>Every open case of a student under the scope.</summary>
    Task<IReadOnlyList<CaseSummary>> OpenCasesAsync(Scope scope, CancellationToken cancellationToken = default);

    /// <summary>Every student under the scope in at least one focus group, with their last talk.</summary>
    Task<IReadOnlyList<MentoredStudent>> MentoredStudentsAsync(Scope scope, CancellationToken cancellationToken = default);
}
