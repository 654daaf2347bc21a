namespace MonitorGrid;

/// <summary>A student's concern tier, ordered from no concern to crisis.</summary>
public enum Tier
{
    /// <summary>No concern.</summary>
    Green = 0,

    /// <summary>关注: watch.</summary>
    Yellow = 1,

    /// <summary>重点关注: close attention.</summary>
    Orange = 2,

    /// <summary>危机: crisis.</summary>
    Red = 3,
}

/// <summary>What an observer noticed.</summary>
public enum Category
{
    /// <summary>Low mood.</summary>
    Mood,

    /// <summary>Anxiety.</summary>
    Anxiety,

    /// <summary>Withdrawal from peers or activities.</summary>
    Withdrawal,

    /// <summary>Conflict or unusual behaviour.</summary>
    Behavior,

    /// <summary>Falling grades.</summary>
    Academic,

    /// <summary>Absence.</summary>
    Attendance,

    /// <summary>Sleep or appetite changes.</summary>
    SleepAppetite,

    /// <summary>Bullying, as victim or perpetrator.</summary>
    Bullying,

    /// <summary>Family crisis.</summary>
    Family,

    /// <summary>Signs of self-harm: always a crisis.</summary>
    SelfHarm,

    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>A staff member's role, in increasing order of responsibility.</summary>
public enum Role
{
    /// <summary>心理委员: a peer who may only submit observations.</summary>
    CommitteeMember,

    /// <summary>心理健康安全员: guards, dorm managers, canteen staff; submit only.</summary>
    SafetyOfficer,

    /// <summary>任课教师.</summary>
    SubjectTeacher,

    /// <summary>班主任: owns the class board.</summary>
    HeadTeacher,

    /// <summary>成长导师.</summary>
    Mentor,

    /// <summary>心理健康教育教师: triages and resolves alerts.</summary>
    PsychTeacher,

    /// <summary>德育负责人 / 分管校长.</summary>
    SchoolLead,

    /// <summary>区心理健康辅导中心.</summary>
    DistrictCenter,

    /// <summary>市教育局: aggregates only, never identities.</summary>
    CityBureau,

    /// <summary>Roster administrator.</summary>
    Admin,
}

/// <summary>Where an alert stands.</summary>
public enum AlertState
{
    /// <summary>Raised and not yet acknowledged.</summary>
    Open,

    /// <summary>Someone responsible has seen it.</summary>
    Acknowledged,

    /// <summary>Closed; the episode ends with it.</summary>
    Resolved,
}

/// <summary>What happened to an alert, carried by every <see cref="AlertEvent"/>.</summary>
public enum AlertChange
{
    /// <summary>A new alert for a student who had none open.</summary>
    Raised,

    /// <summary>The open alert climbed to a higher tier in place.</summary>
    Escalated,

    /// <summary>The alert was acknowledged.</summary>
    Acknowledged,

    /// <summary>The alert was resolved.</summary>
    Resolved,
}

/// <summary>The level of the hierarchy a <see cref="Scope"/> names.</summary>
public enum ScopeKind
{
    /// <summary>The whole city.</summary>
    City,

    /// <summary>A district, county or development zone.</summary>
    District,

    /// <summary>A school.</summary>
    School,

    /// <summary>A class.</summary>
    Class,

    /// <summary>One student.</summary>
    Student,
}
