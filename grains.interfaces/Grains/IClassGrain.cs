namespace MonitorGrid.Grains;

/// <summary>A class: counts and open alerts of its students.</summary>
[Alias("mg.IClassGrain")]
public interface IClassGrain : IAggregateGrain
{
    /// <summary>Registers or updates the class; a new school moves its counts and alerts with it.</summary>
    [Alias("Register")]
    Task RegisterAsync(ClassInfo info);

    /// <summary>The roster entry, or null when not registered.</summary>
    [Alias("GetInfo")]
    Task<ClassInfo?> GetInfoAsync();
}
