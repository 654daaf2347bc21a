namespace MonitorGrid.Model;

/// <summary>
/// The grid's calendar: days and months begin at Beijing midnight (Asia/Shanghai). China has kept UTC+8
/// all year since 1991, so a fixed offset gives the zone's midnights without the host's time-zone data.
/// </summary>
public static class BeijingTime
{
    /// <summary>The zone's name, as reports and trends state it.</summary>
    public const string ZoneName = "Asia/Shanghai";

    /// <summary>Beijing time's offset from UTC.</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);
}
