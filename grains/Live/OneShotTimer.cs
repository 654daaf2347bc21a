namespace MonitorGrid.Live;

/// <summary>
/// A grain timer that fires once and can be armed again, also from inside its own work: the shape of a
/// delayed push, a write-behind and a retry.
/// </summary>
internal sealed class OneShotTimer(IGrainBase grain)
{
    private IGrainTimer? _timer;

    public bool IsArmed => _timer is not null;

    /// <summary>Runs <paramref name="work"/> after <paramref name="delay"/>, unless already armed.</summary>
    public void Arm(TimeSpan delay, Func<Task> work)
    {
        if (_timer is not null)
        {
            return;
        }

        _timer = grain.RegisterGrainTimer(
            async () =>
            {
                Disarm();
                await work();
            },
            delay,
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>Cancels the pending run; returns whether there was one.</summary>
    public bool Disarm()
    {
        if (_timer is null)
        {
            return false;
        }

        _timer.Dispose();
        _timer = null;
        return true;
    }
}
