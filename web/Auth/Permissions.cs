namespace MonitorGrid.Web.Auth;

/// <summary>What each role may do; scope is checked separately against the target's lineage.</summary>
public static class Permissions
{
    /// <summary>Any role may submit about a student in its scope.</summary>
    public static bool CanSubmit(Role role) => Enum.IsDefined(role);

    /// <summary>Peers and safety officers only submit; the city sees aggregates, never identities.</summary>
    public static bool CanReadArchive(Role role) =>
        role is not (Role.CommitteeMember or Role.SafetyOfficer or Role.CityBureau);

    /// <summary>Peers and safety officers see no boards.</summary>
    public static bool CanReadScope(Role role) => role is not (Role.CommitteeMember or Role.SafetyOfficer);

    /// <summary>The city bureau sees counts; alerts name students.</summary>
    public static bool SeesIdentities(Role role) => role != Role.CityBureau;

    /// <summary>
    /// "HeadTeacher and above" in the role order, less the city bureau, which never sees whose alert it is.
    /// </summary>
    public static bool CanAcknowledge(Role role) =>
        role is Role.HeadTeacher or Role.Mentor or Role.PsychTeacher or Role.SchoolLead or Role.DistrictCenter or Role.Admin;

    public static bool CanResolve(Role role) => role is Role.PsychTeacher or Role.SchoolLead or Role.DistrictCenter;

    public static bool CanManageRoster(Role role) => role == Role.Admin;
}
