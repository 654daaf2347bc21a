namespace MonitorGrid.Live;

/// <summary>Which alerts a level of the hierarchy shows: the district Orange and Red, the city none.</summary>
internal static class AlertVisibility
{
    public static Tier? MinimumTier(ScopeKind kind) => kind switch
    {
        ScopeKind.City => null,
        ScopeKind.District => Tier.Orange,
        _ => Tier.Yellow,
    };

    public static bool Shows(ScopeKind kind, Tier tier) => MinimumTier(kind) is { } minimum && tier >= minimum;

    /// <summary>
    /// The escalation level from which a level shows an alert whatever its tier: a Yellow alert nobody
    /// acknowledged reaches the district at the second step. The city never shows alerts, only counts them.
    /// </summary>
    public static int EscalationLevelShown(ScopeKind kind) => kind switch
    {
        ScopeKind.City => int.MaxValue,
        ScopeKind.District => 2,
        _ => 0,
    };

    /// <summary>Whether a level shows this alert: by its tier, or because it was escalated this far.</summary>
    public static bool Shows(ScopeKind kind, AlertSummary alert) =>
        Shows(kind, alert.Tier) || (kind != ScopeKind.City && alert.EscalationLevel >= EscalationLevelShown(kind));

    /// <summary>The scope an alert goes to at an escalation level: 1 the school, 2 the district, 3 the city.</summary>
    public static Scope EscalationTarget(AlertSummary alert, int level) => level switch
    {
        1 => Scope.School(alert.SchoolId),
        2 => Scope.District(alert.DistrictId),
        _ => Scope.City,
    };

    /// <summary>Highest tier first, then oldest first.</summary>
    public static AlertSummary[] Order(IEnumerable<AlertSummary> alerts) =>
        [.. alerts.OrderByDescending(a => a.Tier).ThenBy(a => a.RaisedAt).ThenBy(a => a.AlertId, StringComparer.Ordinal)];
}
