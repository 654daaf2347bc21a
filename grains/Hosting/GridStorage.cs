namespace MonitorGrid.Hosting;

/// <summary>
/// Storage provider and state names. Every grain type has its own state name because the AdoNet
/// provider does not keep the grain type in a row's identity.
/// </summary>
public static class GridStorage
{
    public const string Store = "grid";

    public const string ClassState = "class";
    public const string SchoolState = "school";
    public const string DistrictState = "district";
    public const string CityState = "city";
    public const string StaffState = "staff";
}
