using MonitorGrid.Hosting;

namespace MonitorGrid.Model;

/// <summary>The outcome of scoring one episode of observations.</summary>
public readonly record struct RiskAssessment(Tier Tier, double Score, bool SelfHarm, bool Corroborated);

/// <summary>
/// The default risk model of the contract, as a pure function of the current episode's observations,
/// the student's focus groups and the time now.
/// </summary>
public static class RiskModel
{
    public static RiskAssessment Assess(
        IEnumerable<Observation> episode, bool inFocusGroup, DateTimeOffset now, RiskModelOptions options)
    {
        var score = 0.0;
        var selfHarm = false;
        HashSet<string>? recentObservers = null;

        foreach (var observation in episode)
        {
            // Any self-harm sign in the open episode is a crisis, however long ago it was seen: an
            // observation synced late from a phone must not be discounted.
            selfHarm |= observation.Category == Category.SelfHarm;

            var age = now - observation.ObservedAt;
            if (age > options.ScoringWindow)
            {
                continue;
            }

            var points = observation.Severity switch
            {
                1 => options.Severity1Points,
                2 => options.Severity2Points,
                _ => options.Severity3Points,
            };
            if (age > options.RecentWindow)
            {
                points *= options.AgedFactor;
            }
            else
            {
                (recentObservers ??= new HashSet<string>(StringComparer.Ordinal)).Add(observation.ObserverId);
            }

            score += points;
        }

        var corroborated = recentObservers is not null && recentObservers.Count >= options.CorroboratingObservers;
        if (corroborated)
        {
            score *= options.CorroborationFactor;
        }

        if (inFocusGroup)
        {
            score *= options.FocusGroupFactor;
        }

        var tier = selfHarm ? Tier.Red
            : score >= options.RedFrom ? Tier.Red
            : score >= options.OrangeFrom ? Tier.Orange
            : score >= options.YellowFrom ? Tier.Yellow
            : Tier.Green;
        return new RiskAssessment(tier, score, selfHarm, corroborated);
    }
}
