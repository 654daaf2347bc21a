namespace MonitorGrid;

/// <summary>One observation, as the student grain keeps it and the archive shows it.</summary>
/// <param name="ObservationId">Server-made id.</param>
/// <param name="StudentId">The student observed.</param>
/// <param name="Category">What was noticed.</param>
/// <param name="Severity">1 mild, 2 moderate, 3 severe.</param>
/// <param name="Note">Optional free text, at most 2,000 characters.</param>
/// <param name="ObservedAt">When it was noticed.</param>
/// <param name="RecordedAt">When the grid received it.</param>
/// <param name="ObserverId">The staff member who submitted it.</param>
/// <param name="ObserverRole">That staff member's role.</param>
[GenerateSerializer, Immutable, Alias("mg.Observation")]
public sealed record Observation(
    string ObservationId,
    string StudentId,
    Category Category,
    int Severity,
    string? Note,
    DateTimeOffset ObservedAt,
    DateTimeOffset RecordedAt,
    string ObserverId,
    Role ObserverRole);

/// <summary>The body of a 201 (and of an idempotent replay's 200).</summary>
/// <param name="ObservationId">The observation's id.</param>
/// <param name="StudentId">The student.</param>
/// <param name="Tier">The student's tier after the observation.</param>
/// <param name="AlertId">The student's open alert, if any.</param>
[GenerateSerializer, Immutable, Alias("mg.ObservationReceipt")]
public sealed record ObservationReceipt(string ObservationId, string StudentId, Tier Tier, string? AlertId);

/// <summary>A receipt and whether it is the replay of an earlier submission with the same idempotency key.</summary>
/// <param name="Receipt">The receipt.</param>
/// <param name="Replayed">True when nothing was added because the key had been seen.</param>
[GenerateSerializer, Immutable, Alias("mg.SubmissionResult")]
public sealed record SubmissionResult(ObservationReceipt Receipt, bool Replayed);

/// <summary>The student archive (一生一档).</summary>
/// <param name="StudentId">Roster id.</param>
/// <param name="Name">Name.</param>
/// <param name="Gender">Gender.</param>
/// <param name="ClassId">Class.</param>
/// <param name="SchoolId">School.</param>
/// <param name="DistrictId">District.</param>
/// <param name="Tier">Current tier.</param>
/// <param name="FocusGroups">Vulnerable groups.</param>
/// <param name="Observations">Every observation, newest first.</param>
/// <param name="Alerts">Every alert, newest first.</param>
[GenerateSerializer, Immutable, Alias("mg.StudentArchive")]
public sealed record StudentArchive(
    string StudentId,
    string Name,
    string Gender,
    string ClassId,
    string SchoolId,
    string DistrictId,
    Tier Tier,
    IReadOnlyList<string> FocusGroups,
    IReadOnlyList<Observation> Observations,
    IReadOnlyList<AlertSummary> Alerts);

/// <summary>
/// A change passed up the hierarchy: tier counts to add, alert slots to replace, and the alert event
/// to show live, if any. Aggregates apply deltas; they never rescan their children.
/// </summary>
/// <param name="Counts">Counts to add (may be negative).</param>
/// <param name="Alerts">Per student, the alert now open for them, or null to clear their slot.</param>
/// <param name="Event">An alert change to push to live boards.</param>
[GenerateSerializer, Immutable, Alias("mg.ScopeDelta")]
public sealed record ScopeDelta(TierCounts Counts, IReadOnlyList<AlertSlot> Alerts, AlertEvent? Event);

/// <summary>The open alert of one student, or null when the student has none here any more.</summary>
/// <param name="StudentId">The student.</param>
/// <param name="Alert">The open alert, or null.</param>
[GenerateSerializer, Immutable, Alias("mg.AlertSlot")]
public sealed record AlertSlot(string StudentId, AlertSummary? Alert);
