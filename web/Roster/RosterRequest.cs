namespace MonitorGrid.Web.Roster;

/// <summary>An upsert of any subset of the roster. Every field is nullable so that a missing one is a field error.</summary>
public sealed record RosterRequest(
    IReadOnlyList<DistrictRow?>? Districts,
    IReadOnlyList<SchoolRow?>? Schools,
    IReadOnlyList<ClassRow?>? Classes,
    IReadOnlyList<StudentRow?>? Students,
    IReadOnlyList<StaffRow?>? Staff);

public sealed record DistrictRow(string? Id, string? Name);

public sealed record SchoolRow(string? Id, string? DistrictId, string? Name);

public sealed record ClassRow(string? Id, string? SchoolId, int? Grade, string? Name);

/// <summary>A student; <paramref name="MentorId"/> (the growth mentor 成长导师, a staff id) is an addition to the contract.</summary>
public sealed record StudentRow(
    string? Id, string? ClassId, string? Name, string? Gender, IReadOnlyList<string?>? FocusGroups, string? MentorId = null);

public sealed record StaffRow(string? Id, string? Name, string? Role, string? Scope, string? Password);

/// <summary>Rows upserted, per kind.</summary>
public sealed record RosterCounts(int Districts, int Schools, int Classes, int Students, int Staff);

/// <summary>A validated roster change, ready to apply.</summary>
public sealed record RosterPlan(
    IReadOnlyList<DistrictInfo> Districts,
    IReadOnlyList<SchoolInfo> Schools,
    IReadOnlyList<ClassInfo> Classes,
    IReadOnlyList<StudentProfile> Students,
    IReadOnlyList<StaffAccount> Staff)
{
    public RosterCounts Counts => new(Districts.Count, Schools.Count, Classes.Count, Students.Count, Staff.Count);
}
