namespace MonitorGrid.Grains;

/// <summary>A district: counts of every student in it, and its Orange and Red alerts.</summary>
[Alias("mg.IDistrictGrain")]
public interface IDistrictGrain : IAggregateGrain
{
    /// <summary>Registers or renames the district.</summary>
    [Alias("Register")]
    Task RegisterAsync(DistrictInfo info);

    /// <summary>The roster entry, or null when not registered.</summary>
    [Alias("GetInfo")]
    Task<DistrictInfo?> GetInfoAsync();
}
