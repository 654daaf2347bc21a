using System.Text.Json.Serialization;

namespace MonitorGrid;

/// <summary>A district, county or development zone.</summary>
/// <param name="Id">Roster id.</param>
/// <param name="Name">Display name, e.g. 金水区.</param>
[GenerateSerializer, Immutable, Alias("mg.DistrictInfo")]
public sealed record DistrictInfo(string Id, string Name);

/// <summary>A school.</summary>
/// <param name="Id">Roster id.</param>
/// <param name="DistrictId">The district it belongs to.</param>
/// <param name="Name">Display name.</param>
[GenerateSerializer, Immutable, Alias("mg.SchoolInfo")]
public sealed record SchoolInfo(string Id, string DistrictId, string Name);

/// <summary>A class.</summary>
/// <param name="Id">Roster id.</param>
/// <param name="SchoolId">The school it belongs to.</param>
/// <param name="DistrictId">The school's district (kept so a class knows its whole lineage).</param>
/// <param name="Grade">School year, 1-12.</param>
/// <param name="Name">Display name, e.g. 七(3)班.</param>
[GenerateSerializer, Immutable, Alias("mg.ClassInfo")]
public sealed record ClassInfo(string Id, string SchoolId, string DistrictId, int Grade, string Name);

/// <summary>A student as the roster describes them, with the lineage resolved.</summary>
/// <param name="StudentId">Roster id.</param>
/// <param name="Name">Name.</param>
/// <param name="Gender"><c>F</c>, <c>M</c>, or empty when not given.</param>
/// <param name="ClassId">Class.</param>
/// <param name="SchoolId">The class's school.</param>
/// <param name="DistrictId">The school's district.</param>
/// <param name="FocusGroups">Vulnerable groups (五类儿童) the student belongs to.</param>
[GenerateSerializer, Immutable, Alias("mg.StudentProfile")]
public sealed record StudentProfile(
    string StudentId,
    string Name,
    string Gender,
    string ClassId,
    string SchoolId,
    string DistrictId,
    string[] FocusGroups)
{
    /// <summary>The growth mentor (成长导师) assigned to the student, a staff id (an addition to the contract).</summary>
    [Id(0)] public string? MentorId { get; init; }

    /// <summary>Where the student sits in the hierarchy.</summary>
    [JsonIgnore]
    public Lineage Lineage => new(DistrictId, SchoolId, ClassId, StudentId);

    /// <summary>The aggregates whose counts include this student: class, school, district and the city.</summary>
    [JsonIgnore]
    public Scope[] Aggregates => [Scope.Class(ClassId), Scope.School(SchoolId), Scope.District(DistrictId), Scope.City];
}

/// <summary>A staff account: who may sign in, in which role, over which scope.</summary>
/// <param name="Id">Roster id, used as the sign-in name.</param>
/// <param name="Name">Display name.</param>
/// <param name="Role">Role.</param>
/// <param name="Scope">The node of the hierarchy the account may act on.</param>
/// <param name="PasswordHash">A salted PBKDF2 hash of the password; never the password.</param>
[GenerateSerializer, Immutable, Alias("mg.StaffAccount")]
public sealed record StaffAccount(string Id, string Name, Role Role, Scope Scope, string PasswordHash);
