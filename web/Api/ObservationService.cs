using MonitorGrid.Grains;
using MonitorGrid.Web.Auth;

namespace MonitorGrid.Web.Api;

/// <summary>
/// Submits observations on behalf of a staff member: used by the API and the demo simulator alike. One
/// grain call: the student checks that it is registered and within the observer's scope, and the
/// journal's unique (observer, key) makes a repeated idempotency key a replay.
/// </summary>
public sealed class ObservationService(IGrainFactory grains, TimeProvider time)
{
    public Task<SubmissionResult> SubmitAsync(
        Caller observer, string studentId, Category category, int severity, string? note,
        DateTimeOffset? observedAt, string? idempotencyKey, string? clientAddress = null)
    {
        var now = time.GetUtcNow();
        var observation = new Observation(
            Guid.CreateVersion7(now).ToString("N"), studentId, category, severity,
            string.IsNullOrWhiteSpace(note) ? null : note, observedAt ?? now, now, observer.UserId, observer.Role)
        {
            ClientAddress = clientAddress,
        };
        return grains.Student(studentId).ApplyObservationAsync(observation, idempotencyKey, observer.Scope);
    }
}
