namespace MonitorGrid.Grains;

/// <summary>A school: counts and open alerts of every student in it.</summary>
[Alias("mg.ISchoolGrain")]
public interface ISchoolGrain : IAggregateGrain
{
    /// <summary>Registers or updates the school; a new district moves its counts and alerts with it.</summary>
    [Alias("Register")]
    Task RegisterAsync(SchoolInfo info);

    /// <summary>The roster entry, or null when not registered.</summary>
    [Alias("GetInfo")]
    Task<SchoolInfo?> GetInfoAsync();
}
