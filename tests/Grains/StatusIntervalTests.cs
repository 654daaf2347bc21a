using MonitorGrid.Live;

namespace MonitorGrid.Tests.Grains;

/// <summary>How long a scope waits between status pushes, by how many open alerts its status lists.</summary>
public sealed class Status_pushes_slow_down_for_scopes_listing_many_alerts
{
    [Theory]
    [InlineData(0, 100)]
    [InlineData(5, 100)]
    [InlineData(6, 120)]
    [InlineData(50, 1000)]
    [InlineData(250, 5000)]
    [InlineData(50_000, 5000)]
    public void The_wait_is_20_ms_per_listed_alert_at_least_a_tenth_of_a_second_and_at_most_five(int openAlerts, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), ScopePublisher.IntervalFor(openAlerts));
    }
}
