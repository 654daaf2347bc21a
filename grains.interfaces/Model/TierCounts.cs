using System.Text.Json.Serialization;

namespace MonitorGrid;

/// <summary>
/// Students per tier. The JSON property names are the tier names, as the contract shows them.
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.TierCounts")]
public sealed record TierCounts(
    [property: JsonPropertyName("Green")] int Green,
    [property: JsonPropertyName("Yellow")] int Yellow,
    [property: JsonPropertyName("Orange")] int Orange,
    [property: JsonPropertyName("Red")] int Red)
{
    /// <summary>All zero.</summary>
    public static TierCounts Zero { get; } = new(0, 0, 0, 0);

    /// <summary>The count for one tier.</summary>
    public int this[Tier tier] => tier switch
    {
        Tier.Green => Green,
        Tier.Yellow => Yellow,
        Tier.Orange => Orange,
        _ => Red,
    };

    /// <summary>The sum over all tiers.</summary>
    [JsonIgnore]
    public int Total => Green + Yellow + Orange + Red;

    /// <summary>These counts with <paramref name="amount"/> added to one tier.</summary>
    public TierCounts With(Tier tier, int amount) => tier switch
    {
        Tier.Green => this with { Green = Green + amount },
        Tier.Yellow => this with { Yellow = Yellow + amount },
        Tier.Orange => this with { Orange = Orange + amount },
        _ => this with { Red = Red + amount },
    };

    /// <summary>Element-wise sum.</summary>
    public static TierCounts operator +(TierCounts a, TierCounts b) =>
        new(a.Green + b.Green, a.Yellow + b.Yellow, a.Orange + b.Orange, a.Red + b.Red);

    /// <summary>Element-wise negation.</summary>
    public static TierCounts operator -(TierCounts a) => new(-a.Green, -a.Yellow, -a.Orange, -a.Red);
}
