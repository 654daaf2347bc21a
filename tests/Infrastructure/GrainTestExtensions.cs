using MonitorGrid.Grains;

namespace MonitorGrid.Tests.Infrastructure;

public static class GrainTestExtensions
{
    /// <summary>Applies an observation without an idempotency key and returns its receipt.</summary>
    public static async Task<ObservationReceipt> ObserveAsync(this IStudentGrain student, Observation observation) =>
        (await student.ApplyObservationAsync(observation, null, Scope.City)).Receipt!;
}
