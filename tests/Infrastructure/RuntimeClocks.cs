using Microsoft.Extensions.DependencyInjection;

namespace MonitorGrid.Tests.Infrastructure;

/// <summary>
/// Keeps the Orleans runtime's own loops on real time when a test gives a silo a fake clock. Orleans
/// resolves a clock per area and falls back to the host's <see cref="TimeProvider"/>: a test that moves
/// the fake clock a month on would otherwise have membership declare the silo dead (seen: the test host
/// stopped with "I have been told I am dead"). Grains and their timers keep the fake clock; deadlines are
/// judged by the grain's clock, and tests on a fake clock ask the grain to check them.
/// </summary>
internal static class RuntimeClocks
{
    private static readonly string[] RealTimeAreas =
    [
        TimeProviderNames.Membership,
        TimeProviderNames.Messaging,
        TimeProviderNames.SystemTimers,
        TimeProviderNames.ActivationManagement,
        TimeProviderNames.GrainDirectory,

        // The reminder service's own start-up waits on its clock: on a fake one that nobody had moved yet,
        // the first reminder registration (and the grain call making it) hung for good.
        Orleans.Reminders.ReminderTimeProviderNames.Reminders,
    ];

    public static IServiceCollection KeepRuntimeOnRealTime(this IServiceCollection services)
    {
        foreach (var area in RealTimeAreas)
        {
            services.AddKeyedSingleton(area, TimeProvider.System);
        }

        return services;
    }
}
