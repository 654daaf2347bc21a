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

    /// <summary>Highest tier first, then oldest first.</summary>
    public static AlertSummary[] Order(IEnumerable<AlertSummary> alerts) =>
        [.. alerts.OrderByDescending(a => a.Tier).ThenBy(a => a.RaisedAt).ThenBy(a => a.AlertId, StringComparer.Ordinal)];
}
