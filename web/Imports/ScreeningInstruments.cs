using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using MonitorGrid.Web.Imports.Csv;

namespace MonitorGrid.Web.Imports;

/// <summary>The screening instruments an import knows, from configuration (<c>Grid:Screening</c>).</summary>
public sealed class ScreeningOptions
{
    public const string Section = "Grid:Screening";

    [MinLength(1, ErrorMessage = "Configure at least one screening instrument under Grid:Screening:Instruments.")]
    public List<InstrumentDefinition> Instruments { get; set; } = [];

    private Dictionary<string, InstrumentDefinition>? _byName;

    /// <summary>The instrument a file names, by its id or an alias, however spelled (see <see cref="CsvHeader.Normalize"/>).</summary>
    public InstrumentDefinition? Find(string name) => ByName.GetValueOrDefault(CsvHeader.Normalize(name));

    /// <summary>
    /// Every id and alias, normalised once: an import asks for every row, and normalising each instrument's
    /// names each time cost a city's import millions of string conversions. Options are not changed once bound.
    /// </summary>
    private Dictionary<string, InstrumentDefinition> ByName => _byName ??= BuildLookup();

    private Dictionary<string, InstrumentDefinition> BuildLookup()
    {
        var byName = new Dictionary<string, InstrumentDefinition>(StringComparer.Ordinal);
        foreach (var instrument in Instruments)
        {
            foreach (var alias in instrument.Aliases.Prepend(instrument.Id))
            {
                // As before, the first instrument to claim a name keeps it (the validator refuses a shared one).
                byName.TryAdd(CsvHeader.Normalize(alias), instrument);
            }
        }

        return byName;
    }
}

/// <summary>One instrument: its items, the published bands of its total and its critical items.</summary>
public sealed class InstrumentDefinition
{
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,32}$")]
    public string Id { get; set; } = string.Empty;

    [Required]
    public string Name { get; set; } = string.Empty;

    public List<string> Aliases { get; set; } = [];

    [Range(1, 50)]
    public int Items { get; set; }

    /// <summary>The highest answer of an item (answers run from 0).</summary>
    [Range(1, 10)]
    public int MaxAnswer { get; set; } = 3;

    /// <summary>The category of the alert a result of this instrument raises.</summary>
    public Category Category { get; set; } = Category.Other;

    /// <summary>The bands of the total, lowest first; the first starts at 0.</summary>
    public List<BandDefinition> Bands { get; set; } = [];

    /// <summary>Items that set a tier of their own when answered above 0, whatever the total.</summary>
    public List<CriticalItemDefinition> CriticalItems { get; set; } = [];

    /// <summary>The highest possible total.</summary>
    public int MaxTotal => Items * MaxAnswer;
}

/// <summary>A published band: totals from <see cref="From"/> up to the next band's start.</summary>
public sealed class BandDefinition
{
    [Required]
    public string Name { get; set; } = string.Empty;

    /// <summary>The band's name as the UI shows it, e.g. 中度.</summary>
    public string Label { get; set; } = string.Empty;

    public int From { get; set; }

    public Tier Tier { get; set; }
}

/// <summary>An item whose any positive answer sets <see cref="Tier"/> at once (PHQ-9 item 9: self-harm).</summary>
public sealed class CriticalItemDefinition
{
    /// <summary>The item's number, from 1.</summary>
    public int Item { get; set; }

    public Tier Tier { get; set; } = Tier.Red;

    public Category Category { get; set; } = Category.SelfHarm;
}

/// <summary>Checks what data annotations cannot: bands in order from 0, items in range, names unique.</summary>
public sealed class ScreeningOptionsValidator : IValidateOptions<ScreeningOptions>
{
    public ValidateOptionsResult Validate(string? name, ScreeningOptions options)
    {
        var failures = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var instrument in options.Instruments)
        {
            // An alias may spell the id another way (PHQ9); two instruments may not share a name.
            foreach (var alias in instrument.Aliases.Prepend(instrument.Id).Select(CsvHeader.Normalize).Distinct(StringComparer.Ordinal))
            {
                if (!names.Add(alias))
                {
                    failures.Add($"Screening instrument name '{alias}' is used twice.");
                }
            }

            if (instrument.Bands.Count == 0 || instrument.Bands[0].From != 0)
            {
                failures.Add($"Instrument {instrument.Id}: the first band must start at 0.");
            }

            for (var i = 1; i < instrument.Bands.Count; i++)
            {
                if (instrument.Bands[i].From <= instrument.Bands[i - 1].From || instrument.Bands[i].From > instrument.MaxTotal)
                {
                    failures.Add($"Instrument {instrument.Id}: band {instrument.Bands[i].Name} must start above the previous band and within 0-{instrument.MaxTotal}.");
                }
            }

            foreach (var critical in instrument.CriticalItems)
            {
                if (critical.Item < 1 || critical.Item > instrument.Items)
                {
                    failures.Add($"Instrument {instrument.Id}: critical item {critical.Item} is not one of its {instrument.Items} items.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Scores answers on an instrument: the pure function the cut-off tests check at every boundary.</summary>
public static class ScreeningScorer
{
    /// <summary>
    /// The total, its band and the tier and category the result sets. A critical item answered above 0 sets
    /// its own tier and category when they are above the band's: PHQ-9's item 9 makes the student Red
    /// however low the total.
    /// </summary>
    public static ScreeningResult Score(InstrumentDefinition instrument, DateOnly takenOn, int[] answers)
    {
        if (answers.Length != instrument.Items)
        {
            throw new ArgumentException($"{instrument.Id} has {instrument.Items} items, not {answers.Length}.", nameof(answers));
        }

        var total = answers.Sum();
        var band = instrument.Bands.Last(b => b.From <= total);
        var tier = band.Tier;
        var category = instrument.Category;
        var critical = new List<int>();
        foreach (var item in instrument.CriticalItems)
        {
            if (answers[item.Item - 1] > 0)
            {
                critical.Add(item.Item);
                if (item.Tier > tier)
                {
                    tier = item.Tier;
                    category = item.Category;
                }
            }
        }

        return new ScreeningResult(
            ScreeningResult.KeyOf(instrument.Id, takenOn), instrument.Id, takenOn, answers, total, band.Name, tier, category, [.. critical]);
    }
}
