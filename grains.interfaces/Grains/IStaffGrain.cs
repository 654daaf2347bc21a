namespace MonitorGrid.Grains;

/// <summary>A staff member: their account and the ledger of their submissions (for idempotency).</summary>
[Alias("mg.IStaffGrain")]
public interface IStaffGrain : IGrainWithStringKey
{
    /// <summary>Creates or updates the account.</summary>
    [Alias("Register")]
    Task RegisterAsync(StaffAccount account);

    /// <summary>The account, or null when there is none.</summary>
    [Alias("GetAccount")]
    Task<StaffAccount?> GetAccountAsync();

    /// <summary>
    /// Submits an observation made by this staff member. With an idempotency key already seen, returns
    /// the first receipt and adds nothing.
    /// </summary>
    [Alias("Submit")]
    Task<SubmissionResult> SubmitAsync(Observation observation, string? idempotencyKey);
}
