namespace MonitorGrid;

/// <summary>
/// One scored screening result (心理测评) of one student on one instrument, as imported. The student's
/// screening tier is the highest <see cref="Tier"/> of the results in the open episode.
/// </summary>
/// <param name="Key">The file row key within the student: instrument and date taken. A key stored once is never stored again.</param>
/// <param name="Instrument">The instrument's id, e.g. <c>PHQ-9</c>.</param>
/// <param name="TakenOn">The day the student took it.</param>
/// <param name="Answers">The answer to each item, in item order.</param>
/// <param name="Total">The sum of the answers.</param>
/// <param name="Band">The published band the total falls in, e.g. <c>Moderate</c>.</param>
/// <param name="Tier">The tier the result sets: the band's, or the critical item's when one is answered above 0.</param>
/// <param name="Category">The category of the alert the result raises, e.g. <c>Mood</c>, <c>SelfHarm</c> for a critical item.</param>
/// <param name="CriticalItems">The 1-based numbers of the critical items answered above 0 (PHQ-9 item 9), empty when none.</param>
[GenerateSerializer, Immutable, Alias("mg.ScreeningResult")]
public sealed record ScreeningResult(
    string Key,
    string Instrument,
    DateOnly TakenOn,
    int[] Answers,
    int Total,
    string Band,
    Tier Tier,
    Category Category,
    int[] CriticalItems)
{
    /// <summary>The import that brought the result in.</summary>
    [Id(0)] public string? ImportId { get; init; }

    /// <summary>The spreadsheet row of the result in its import's file.</summary>
    [Id(1)] public int Row { get; init; }

    /// <summary>When the result was stored.</summary>
    [Id(2)] public DateTimeOffset RecordedAt { get; init; }

    /// <summary>Who imported it.</summary>
    [Id(3)] public string? ImportedBy { get; init; }

    /// <summary>The file row key of a student's result: instrument and date taken.</summary>
    public static string KeyOf(string instrument, DateOnly takenOn) =>
        $"{instrument}|{takenOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>How applying a screening result ended.</summary>
public enum ScreeningOutcome
{
    /// <summary>Stored; the tier and alert may have changed.</summary>
    Applied,

    /// <summary>A result with the same key was stored before: nothing changed (see <see cref="ScreeningReceipt.Stored"/>).</summary>
    AlreadyStored,

    /// <summary>The student is not in the roster.</summary>
    UnknownStudent,

    /// <summary>The student is outside the importer's scope.</summary>
    OutsideScope,
}

/// <summary>What applying a screening result did.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Tier">The student's tier after it (Green when unknown).</param>
/// <param name="TierRaised">Whether the result lifted the student's tier.</param>
/// <param name="AlertId">The student's open alert after it, if any.</param>
/// <param name="Stored">For <see cref="ScreeningOutcome.AlreadyStored"/>, the result stored first under the key.</param>
[GenerateSerializer, Immutable, Alias("mg.ScreeningReceipt")]
public sealed record ScreeningReceipt(ScreeningOutcome Outcome, Tier Tier, bool TierRaised, string? AlertId, ScreeningResult? Stored);
