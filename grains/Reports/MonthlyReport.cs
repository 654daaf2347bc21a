namespace MonitorGrid.Reports;

/// <summary>
/// The monthly report (月报) of a school or a district for one Beijing calendar month: counts only, no
/// student's identity. Every figure is worked out from the journal as it stood at the month's end (for
/// the current month: now), for the students who are in the scope now.
/// </summary>
/// <param name="Scope">The scope's wire form, <c>school:{id}</c> or <c>district:{id}</c>.</param>
/// <param name="Name">The scope's display name.</param>
/// <param name="Month">The month, <c>yyyy-MM</c>.</param>
/// <param name="TimeZone">The zone whose midnights bound the month: always Asia/Shanghai.</param>
/// <param name="From">The month's first instant (Beijing midnight on the 1st), in UTC.</param>
/// <param name="To">The first instant after the month, in UTC.</param>
/// <param name="Complete">Whether the month is over; the current month's report is marked incomplete and reads up to <paramref name="AsOf"/>.</param>
/// <param name="AsOf">The instant the month-end figures are taken at: <paramref name="To"/>, or now for the current month.</param>
/// <param name="Students">Students in the scope now (students who moved count where they are now).</param>
/// <param name="Tiers">Those students per tier at <paramref name="AsOf"/> (a student with no record is Green).</param>
/// <param name="Observations">Observations recorded in the month.</param>
/// <param name="Alerts">Alerts raised in the month and how soon they were answered.</param>
/// <param name="Escalations">Escalation steps taken in the month.</param>
/// <param name="FollowUps">The follow-up of high-concern students (高关怀).</param>
/// <param name="Referrals">Hospital referrals (转介).</param>
/// <param name="Leave">Leave and return to school (休学/复学).</param>
public sealed record MonthlyReport(
    string Scope,
    string Name,
    string Month,
    string TimeZone,
    DateTimeOffset From,
    DateTimeOffset To,
    bool Complete,
    DateTimeOffset AsOf,
    int Students,
    TierCounts Tiers,
    ObservationFigures Observations,
    AlertFigures Alerts,
    EscalationFigures Escalations,
    FollowUpFigures FollowUps,
    ReferralFigures Referrals,
    LeaveFigures Leave);

/// <summary>Observations recorded in the month, in total and per category (every category listed).</summary>
/// <param name="Total">All observations.</param>
/// <param name="Categories">One entry per category, in the contract's order.</param>
public sealed record ObservationFigures(int Total, CategoryFigure[] Categories);

/// <summary>Observations of one category.</summary>
/// <param name="Category">The category.</param>
/// <param name="Count">How many.</param>
public sealed record CategoryFigure(Category Category, int Count);

/// <summary>
/// Alerts first raised in the month, each as it stood at the month's end. Its first response is its
/// acknowledgement, or its resolution when nobody acknowledged it; a climb to a higher tier asks for a new
/// acknowledgement, so only the one after the climb counts.
/// </summary>
/// <param name="Raised">Alerts raised in the month.</param>
/// <param name="ByTier">Those alerts by the tier they stood at (Green is always 0).</param>
/// <param name="WithinSla">First response at or before the alert's deadline (<c>dueAt</c>).</param>
/// <param name="Late">First response after the deadline.</param>
/// <param name="NotAcknowledged">No response by the month's end.</param>
/// <param name="ShareWithinSla"><paramref name="WithinSla"/> / <paramref name="Raised"/>, a fraction rounded half away from zero to 4 decimals; null when none was raised.</param>
public sealed record AlertFigures(int Raised, TierCounts ByTier, int WithinSla, int Late, int NotAcknowledged, double? ShareWithinSla);

/// <summary>Escalation steps taken in the month (one per missed deadline), in total and per level.</summary>
/// <param name="Total">All steps.</param>
/// <param name="Levels">Levels 1 (to the school), 2 (the district) and 3 (the city), every level listed.</param>
public sealed record EscalationFigures(int Total, EscalationLevelFigure[] Levels);

/// <summary>Escalation steps to one level.</summary>
/// <param name="Level">1, 2 or 3.</param>
/// <param name="Reaches">Where that level reaches: <c>school</c>, <c>district</c> or <c>city</c>.</param>
/// <param name="Count">How many steps.</param>
public sealed record EscalationLevelFigure(int Level, string Reaches, int Count);

/// <summary>The follow-up of high-concern students: cases open at the month's end, and what happened in the month.</summary>
/// <param name="Tracked">Cases open at the month's end.</param>
/// <param name="OnSchedule">Of those, the ones whose follow-up was not overdue then (a talk within the follow-up interval).</param>
/// <param name="Overdue">Of those, the ones overdue then.</param>
/// <param name="Talks">Talks (谈心谈话) recorded in the month, with or without a case.</param>
/// <param name="CasesOpened">Cases opened in the month.</param>
/// <param name="CasesClosed">Cases closed in the month.</param>
/// <param name="OverdueAlerts">Follow-up alerts raised in the month.</param>
public sealed record FollowUpFigures(int Tracked, int OnSchedule, int Overdue, int Talks, int CasesOpened, int CasesClosed, int OverdueAlerts);

/// <summary>Hospital referrals: entries recorded in the month, and where the open cases stood at its end.</summary>
/// <param name="States">Every referral state, in order.</param>
/// <param name="OpenCasesWithout">Cases open at the month's end with no referral.</param>
public sealed record ReferralFigures(ReferralFigure[] States, int OpenCasesWithout);

/// <summary>One referral state.</summary>
/// <param name="State">The state.</param>
/// <param name="Recorded">Referral entries recorded in the month that moved a case to this state.</param>
/// <param name="OpenCasesAtEnd">Cases open at the month's end whose referral stood at this state.</param>
public sealed record ReferralFigure(ReferralState State, int Recorded, int OpenCasesAtEnd);

/// <summary>Leave and return to school.</summary>
/// <param name="Leaves">Leave entries (休学) recorded in the month.</param>
/// <param name="Returns">Return entries (复学) recorded in the month.</param>
/// <param name="OnLeaveAtEnd">Cases open at the month's end whose student was on leave.</param>
public sealed record LeaveFigures(int Leaves, int Returns, int OnLeaveAtEnd);
