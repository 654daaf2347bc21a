using MonitorGrid.Hosting;
using MonitorGrid.Model;

namespace MonitorGrid.Tests.Grains;

/// <summary>The contract's "Default risk model", checked on the pure scoring function.</summary>
public sealed class RiskModelTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan JustOver = TimeSpan.FromTicks(1);

    [Fact]
    public void An_empty_episode_is_Green_with_no_score()
    {
        var result = Assess([]);

        Assert.Equal(Tier.Green, result.Tier);
        Assert.Equal(0, result.Score);
        Assert.False(result.SelfHarm);
        Assert.False(result.Corroborated);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_SelfHarm_observation_of_any_severity_is_Red(int severity)
    {
        var result = Assess([Obs(Category.SelfHarm, severity)]);

        Assert.Equal(Tier.Red, result.Tier);
        Assert.True(result.SelfHarm);
    }

    [Fact]
    public void A_SelfHarm_observation_in_the_episode_is_Red_however_old_it_is()
    {
        var result = Assess([Obs(Category.SelfHarm, 1, age: TimeSpan.FromDays(45))]);

        Assert.Equal(Tier.Red, result.Tier);
        Assert.True(result.SelfHarm);
    }

    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(2, 3.0)]
    [InlineData(3, 6.0)]
    public void Each_severity_scores_its_points(int severity, double points)
    {
        var result = Assess([Obs(Category.Mood, severity)]);

        Assert.Equal(points, result.Score, 9);
    }

    [Theory]
    [InlineData(new[] { 1, 1 }, 2.0, Tier.Green)]
    [InlineData(new[] { 2 }, 3.0, Tier.Yellow)]
    [InlineData(new[] { 3, 1 }, 7.0, Tier.Yellow)]
    [InlineData(new[] { 3, 1, 1 }, 8.0, Tier.Orange)]
    [InlineData(new[] { 3, 3, 2 }, 15.0, Tier.Orange)]
    [InlineData(new[] { 3, 3, 2, 1 }, 16.0, Tier.Red)]
    public void The_thresholds_are_Yellow_from_3_Orange_from_8_Red_from_16(int[] severities, double score, Tier tier)
    {
        var result = Assess([.. severities.Select(s => Obs(Category.Anxiety, s))]);

        Assert.Equal(score, result.Score, 9);
        Assert.Equal(tier, result.Tier);
        Assert.False(result.Corroborated);
    }

    [Fact]
    public void An_observation_exactly_7_days_old_still_counts_in_full()
    {
        var result = Assess([Obs(Category.Mood, 2, age: TimeSpan.FromDays(7))]);

        Assert.Equal(3.0, result.Score, 9);
        Assert.Equal(Tier.Yellow, result.Tier);
    }

    [Fact]
    public void An_observation_just_older_than_7_days_counts_half()
    {
        var result = Assess([Obs(Category.Mood, 2, age: TimeSpan.FromDays(7) + JustOver)]);

        Assert.Equal(1.5, result.Score, 9);
        Assert.Equal(Tier.Green, result.Tier);
    }

    [Fact]
    public void An_observation_exactly_30_days_old_is_still_counted_at_half()
    {
        var result = Assess([Obs(Category.Mood, 3, age: TimeSpan.FromDays(30))]);

        Assert.Equal(3.0, result.Score, 9);
        Assert.Equal(Tier.Yellow, result.Tier);
    }

    [Fact]
    public void An_observation_just_older_than_30_days_is_ignored()
    {
        var result = Assess([Obs(Category.Mood, 3, age: TimeSpan.FromDays(30) + JustOver)]);

        Assert.Equal(0.0, result.Score, 9);
        Assert.Equal(Tier.Green, result.Tier);
    }

    [Fact]
    public void Recent_and_aged_observations_add_up()
    {
        // 6 (recent) + 3 (sev3 aged 10 days, halved) + 0 (sev3 aged 31 days) = 9.
        var result = Assess(
        [
            Obs(Category.Mood, 3),
            Obs(Category.Mood, 3, age: TimeSpan.FromDays(10)),
            Obs(Category.Mood, 3, age: TimeSpan.FromDays(31)),
        ]);

        Assert.Equal(9.0, result.Score, 9);
        Assert.Equal(Tier.Orange, result.Tier);
    }

    [Fact]
    public void Two_different_observers_within_7_days_multiply_by_one_and_a_half()
    {
        var result = Assess([Obs(Category.Mood, 1, "t-1"), Obs(Category.SleepAppetite, 1, "t-2")]);

        Assert.True(result.Corroborated);
        Assert.Equal(3.0, result.Score, 9);
        Assert.Equal(Tier.Yellow, result.Tier);
    }

    [Fact]
    public void The_same_observer_twice_is_not_corroboration()
    {
        var result = Assess([Obs(Category.Mood, 1, "t-1"), Obs(Category.SleepAppetite, 1, "t-1")]);

        Assert.False(result.Corroborated);
        Assert.Equal(2.0, result.Score, 9);
        Assert.Equal(Tier.Green, result.Tier);
    }

    [Fact]
    public void A_second_observer_exactly_7_days_ago_still_corroborates()
    {
        var result = Assess([Obs(Category.Mood, 1, "t-1"), Obs(Category.Mood, 1, "t-2", TimeSpan.FromDays(7))]);

        Assert.True(result.Corroborated);
        Assert.Equal(3.0, result.Score, 9);
        Assert.Equal(Tier.Yellow, result.Tier);
    }

    [Fact]
    public void A_second_observer_older_than_7_days_does_not_corroborate()
    {
        // 1 + 3 / 2 = 2.5; corroborated it would be 3.75 (Yellow).
        var result = Assess([Obs(Category.Mood, 1, "t-1"), Obs(Category.Mood, 2, "t-2", TimeSpan.FromDays(8))]);

        Assert.False(result.Corroborated);
        Assert.Equal(2.5, result.Score, 9);
        Assert.Equal(Tier.Green, result.Tier);
    }

    [Fact]
    public void Three_observers_multiply_by_one_and_a_half_once()
    {
        var result = Assess([Obs(Category.Mood, 1, "t-1"), Obs(Category.Mood, 1, "t-2"), Obs(Category.Mood, 1, "t-3")]);

        Assert.True(result.Corroborated);
        Assert.Equal(4.5, result.Score, 9);
        Assert.Equal(Tier.Yellow, result.Tier);
    }

    [Fact]
    public void A_focus_group_student_scores_a_quarter_more()
    {
        Observation[] episode = [Obs(Category.Mood, 3), Obs(Category.Mood, 1)];

        var without = Assess(episode);
        var with = Assess(episode, inFocusGroup: true);

        Assert.Equal(7.0, without.Score, 9);
        Assert.Equal(Tier.Yellow, without.Tier);
        Assert.Equal(8.75, with.Score, 9);
        Assert.Equal(Tier.Orange, with.Tier);
    }

    [Fact]
    public void Corroboration_and_focus_group_multiply_together()
    {
        // 9 points: ×1.5 = 13.5 (Orange), ×1.25 = 11.25 (Orange), both = 16.875 (Red).
        Observation[] episode = [Obs(Category.Mood, 3, "t-1"), Obs(Category.Family, 2, "t-2")];

        var both = Assess(episode, inFocusGroup: true);

        Assert.True(both.Corroborated);
        Assert.Equal(16.875, both.Score, 9);
        Assert.Equal(Tier.Red, both.Tier);
        Assert.Equal(Tier.Orange, Assess([Obs(Category.Mood, 3, "t-1"), Obs(Category.Family, 2, "t-1")], inFocusGroup: true).Tier);
        Assert.Equal(Tier.Orange, Assess(episode).Tier);
    }

    private static RiskAssessment Assess(IEnumerable<Observation> episode, bool inFocusGroup = false) =>
        RiskModel.Assess(episode, inFocusGroup, Now, new RiskModelOptions());

    private static Observation Obs(Category category, int severity, string observer = "t-1", TimeSpan? age = null) =>
        new(Guid.NewGuid().ToString("N"), "s-1", category, severity, null, Now - (age ?? TimeSpan.Zero), Now,
            observer, Role.HeadTeacher);
}
