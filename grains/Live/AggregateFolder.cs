namespace MonitorGrid.Live;

/// <summary>Folds deltas into an <see cref="AggregateState"/> for one level of the hierarchy.</summary>
internal static class AggregateFolder
{
    /// <summary>Applies <paramref name="delta"/>; returns the alert event this level shows, if any.</summary>
    public static AlertEvent? Fold(AggregateState state, ScopeKind kind, ScopeDelta delta, DateTimeOffset now)
    {
        state.Counts += delta.Counts;
        foreach (var slot in delta.Alerts)
        {
            if (slot.Alert is { IsOpen: true } alert && AlertVisibility.Shows(kind, alert.Tier))
            {
                state.Alerts[slot.StudentId] = alert;
            }
            else
            {
                state.Alerts.Remove(slot.StudentId);
            }
        }

        state.UpdatedAt = now;
        return delta.Event is { } e && AlertVisibility.Shows(kind, e.Tier) ? e : null;
    }

    public static ScopeStatus Snapshot(AggregateState state, Scope scope, string name) => new(
        scope.ToString(),
        name,
        state.Counts,
        AlertVisibility.Order(state.Alerts.Values),
        state.UpdatedAt);
}
