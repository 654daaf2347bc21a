using MonitorGrid.Persistence;

namespace MonitorGrid.Live;

/// <summary>
/// An aggregate's counts and visible alerts, loaded from the journal's projection and then kept
/// current by student updates. It remembers the version of every student who is not Green, so a
/// duplicate or already-loaded update changes nothing; a Green student is only counted.
/// </summary>
internal sealed class ScopeTotals(ScopeKind kind)
{
    private readonly Dictionary<string, ProjectedStudent> _notGreen = new(StringComparer.Ordinal);

    public TierCounts Counts { get; private set; } = TierCounts.Zero;

    public DateTimeOffset UpdatedAt { get; private set; }

    public void Load(ScopeProjection projection, DateTimeOffset now)
    {
        _notGreen.Clear();
        var counts = new TierCounts(projection.Students, 0, 0, 0);
        foreach (var student in projection.NotGreen)
        {
            _notGreen[student.StudentId] = student;
            counts = counts.With(Tier.Green, -1).With(student.Tier, 1);
        }

        Counts = counts;

        // updatedAt tells when something below last changed, not when this grain happened to load.
        UpdatedAt = projection.LastChange ?? now;
    }

    /// <summary>Folds an update in; returns false when it was already reflected.</summary>
    public bool Apply(StudentUpdate update, DateTimeOffset now)
    {
        _notGreen.TryGetValue(update.StudentId, out var known);
        if (known is not null && known.Version >= update.Version)
        {
            return false;
        }

        Counts = Counts.With(known?.Tier ?? Tier.Green, -1).With(update.Tier, 1);
        if (update.Tier == Tier.Green)
        {
            _notGreen.Remove(update.StudentId);
        }
        else
        {
            var alert = update.OpenAlert is { IsOpen: true } a && AlertVisibility.Shows(kind, a) ? a : null;
            _notGreen[update.StudentId] = new ProjectedStudent(update.StudentId, update.Tier, update.Version, alert)
            {
                Escalated = update.OpenAlert?.IsEscalated == true,
            };
        }

        UpdatedAt = now;
        return true;
    }

    public ScopeStatus Snapshot(Scope scope, string name) => new(
        scope.ToString(),
        name,
        Counts,
        AlertVisibility.Order(_notGreen.Values.Select(s => s.OpenAlert).OfType<AlertSummary>()),
        UpdatedAt)
    {
        Escalated = _notGreen.Values.Count(s => s.Escalated),
    };
}
