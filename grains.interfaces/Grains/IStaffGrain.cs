namespace MonitorGrid.Grains;

/// <summary>A staff member's account.</summary>
[Alias("mg.IStaffGrain")]
public interface IStaffGrain : IGrainWithStringKey
{
    /// <summary>Creates or updates the account.</summary>
    [Alias("Register")]
    Task RegisterAsync(StaffAccount account);

    /// <summary>The account, or null when there is none.</summary>
    [Alias("GetAccount")]
    Task<StaffAccount?> GetAccountAsync();

}
