using Microsoft.Extensions.Configuration;
using MonitorGrid.Web.Imports;

namespace MonitorGrid.Tests.Imports;

/// <summary>
/// The shipped instruments, read from the web host's own appsettings.json, scored at every published
/// cut-off: the last total of each band and the first of the next, and PHQ-9's item 9.
/// </summary>
public sealed class ScreeningScorerTests
{
    private static readonly DateOnly Day = new(2026, 9, 15);
    private static readonly ScreeningOptions Shipped = LoadShipped();

    public static TheoryData<string, int, string, Tier> Boundaries => new()
    {
        { "PHQ-9", 0, "None", Tier.Green },
        { "PHQ-9", 4, "None", Tier.Green },
        { "PHQ-9", 5, "Mild", Tier.Green },
        { "PHQ-9", 9, "Mild", Tier.Green },
        { "PHQ-9", 10, "Moderate", Tier.Yellow },
        { "PHQ-9", 14, "Moderate", Tier.Yellow },
        { "PHQ-9", 15, "ModeratelySevere", Tier.Orange },
        { "PHQ-9", 19, "ModeratelySevere", Tier.Orange },
        { "PHQ-9", 20, "Severe", Tier.Orange },
        { "PHQ-9", 24, "Severe", Tier.Orange },
        { "GAD-7", 0, "None", Tier.Green },
        { "GAD-7", 4, "None", Tier.Green },
        { "GAD-7", 5, "Mild", Tier.Green },
        { "GAD-7", 9, "Mild", Tier.Green },
        { "GAD-7", 10, "Moderate", Tier.Yellow },
        { "GAD-7", 14, "Moderate", Tier.Yellow },
        { "GAD-7", 15, "Severe", Tier.Orange },
        { "GAD-7", 21, "Severe", Tier.Orange },
    };

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void A_total_at_a_cut_off_falls_in_the_published_band_and_sets_its_tier(string instrument, int total, string band, Tier tier)
    {
        var definition = Shipped.Find(instrument)!;

        // Item 9 of PHQ-9 stays 0 here: its own rule is tested below.
        var result = ScreeningScorer.Score(definition, Day, AnswersFor(definition, total, lastItem: definition.CriticalItems.Count > 0 ? 0 : null));

        Assert.Equal((total, band, tier), (result.Total, result.Band, result.Tier));
        Assert.Empty(result.CriticalItems);
        Assert.Equal(definition.Category, result.Category);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(3, 24)]
    [InlineData(2, 10)]
    public void Any_answer_above_zero_to_phq9_item_9_makes_the_student_red_with_self_harm_whatever_the_total(int item9, int otherItems)
    {
        var phq9 = Shipped.Find("PHQ-9")!;
        var answers = AnswersFor(phq9, otherItems + item9, lastItem: item9);

        var result = ScreeningScorer.Score(phq9, Day, answers);

        Assert.Equal((Tier.Red, Category.SelfHarm), (result.Tier, result.Category));
        Assert.Equal([9], result.CriticalItems);
        Assert.Equal(otherItems + item9, result.Total);
    }

    [Fact]
    public void Phq9_with_item_9_at_zero_and_every_other_item_at_the_top_is_severe_but_not_red()
    {
        var phq9 = Shipped.Find("PHQ-9")!;

        var result = ScreeningScorer.Score(phq9, Day, [3, 3, 3, 3, 3, 3, 3, 3, 0]);

        Assert.Equal((24, "Severe", Tier.Orange, Category.Mood), (result.Total, result.Band, result.Tier, result.Category));
    }

    [Fact]
    public void Gad7_has_no_critical_item_so_a_positive_last_item_is_just_part_of_the_total()
    {
        var gad7 = Shipped.Find("GAD-7")!;

        var result = ScreeningScorer.Score(gad7, Day, [0, 0, 0, 0, 0, 0, 3]);

        Assert.Equal((3, Tier.Green, Category.Anxiety), (result.Total, result.Tier, result.Category));
    }

    [Theory]
    [InlineData("PHQ-9")]
    [InlineData("phq9")]
    [InlineData("ＰＨＱ－９")]
    [InlineData("抑郁量表")]
    public void An_instrument_is_found_by_its_id_or_an_alias_however_it_is_spelled(string name) =>
        Assert.Equal("PHQ-9", Shipped.Find(name)?.Id);

    [Fact]
    public void The_file_row_key_is_the_instrument_and_the_day_taken() =>
        Assert.Equal("PHQ-9|2026-09-15", ScreeningScorer.Score(Shipped.Find("PHQ-9")!, Day, new int[9]).Key);

    [Fact]
    public void Bands_out_of_order_and_a_critical_item_beyond_the_items_are_refused_at_start()
    {
        var bad = new ScreeningOptions
        {
            Instruments =
            [
                new InstrumentDefinition
                {
                    Id = "X-3", Name = "x", Items = 3,
                    Bands = [new BandDefinition { Name = "A", From = 0 }, new BandDefinition { Name = "B", From = 0 }],
                    CriticalItems = [new CriticalItemDefinition { Item = 4 }],
                },
            ],
        };

        var result = new ScreeningOptionsValidator().Validate(null, bad);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("band B", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("critical item 4", StringComparison.Ordinal));
        Assert.True(new ScreeningOptionsValidator().Validate(null, Shipped).Succeeded);
    }

    /// <summary>Answers summing to <paramref name="total"/>, with the last item set to <paramref name="lastItem"/> unless null.</summary>
    private static int[] AnswersFor(InstrumentDefinition instrument, int total, int? lastItem)
    {
        var answers = new int[instrument.Items];
        answers[^1] = lastItem ?? 0;
        var left = total - (lastItem ?? 0);
        for (var i = 0; i < answers.Length - (lastItem is null ? 0 : 1) && left > 0; i++)
        {
            answers[i] = Math.Min(instrument.MaxAnswer, left);
            left -= answers[i];
        }

        Assert.Equal(0, left);
        return answers;
    }

    private static ScreeningOptions LoadShipped()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        var configuration = new ConfigurationBuilder().AddJsonFile(path, optional: false).Build();
        var options = configuration.GetSection(ScreeningOptions.Section).Get<ScreeningOptions>()
            ?? throw new InvalidOperationException($"{path} has no {ScreeningOptions.Section} section.");
        Assert.Equal(["PHQ-9", "GAD-7"], options.Instruments.Select(i => i.Id));
        return options;
    }
}
