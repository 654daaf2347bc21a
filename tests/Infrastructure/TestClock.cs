using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace MonitorGrid.Tests.Infrastructure;

/// <summary>Gives a web host under test a clock the test moves (a <c>FakeTimeProvider</c>).</summary>
internal static class TestClock
{
    /// <summary>
    /// Makes <paramref name="time"/> the host's only clock, when given: the grains, the API and the token issuer.
    /// Tokens then live the longest the options allow (7 days), so a test may move the clock a few days on
    /// without signing in again.
    /// </summary>
    public static void Use(IWebHostBuilder builder, TimeProvider? time)
    {
        if (time is null)
        {
            return;
        }

        builder.UseSetting("Auth:TokenLifetime", "7.00:00:00");
        builder.ConfigureTestServices(services => services.AddSingleton(time).KeepRuntimeOnRealTime());
    }
}
