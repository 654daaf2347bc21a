using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using MonitorGrid.Grains;
using MonitorGrid.Persistence;
using MonitorGrid.Web.Imports.Csv;

namespace MonitorGrid.Web.Imports;

/// <summary>
/// Screening results: each row is checked and scored here, then stored by its student's grain, which
/// lifts the tier and raises the alert as an observation would. Rows go in chunks: each chunk first asks
/// the journal which of its keys are stored already, so that a file imported again wakes no student.
/// </summary>
public sealed class ScreeningImport(IGrainFactory grains, IGridJournal journal, IOptions<ScreeningOptions> instruments, TimeProvider time)
    : IImportProcessor
{
    /// <summary>Rows per chunk: one journal look-up each.</summary>
    public const int ChunkSize = 1_000;

    /// <summary>Chunks applied at once, and grain calls in flight per chunk.</summary>
    private const int Chunks = 3;
    private const int CallsPerChunk = 96;

    /// <summary>A chunk goes out this long after its first row even when not full: a slow upload's rows are not held back.</summary>
    private static readonly TimeSpan FlushAfter = TimeSpan.FromMilliseconds(200);

    /// <summary>Attempts at one row before the import gives up (storage gone).</summary>
    private const int Attempts = 4;

    /// <summary>The most items any instrument may have: columns 第1题 … 第50题.</summary>
    private const int MaxItems = 50;

    public static readonly CsvColumn StudentId = new("学号", true, "studentId", "student", "studentNo", "学生编号");
    public static readonly CsvColumn Instrument = new("量表", true, "instrument", "scale", "量表名称", "测评量表");
    public static readonly CsvColumn TakenOn = new("测评日期", true, "takenOn", "date", "日期", "测评时间");
    public static readonly CsvColumn Total = new("总分", false, "total", "score", "totalScore");
    public static readonly IReadOnlyList<CsvColumn> Items = [.. Enumerable.Range(1, MaxItems).Select(i =>
        new CsvColumn($"第{i}题", false, $"item{i}", $"q{i}", $"题{i}", $"第{i}项", $"item {i}"))];

    private static readonly string[] DateFormats = ["yyyy-M-d", "yyyy/M/d", "yyyy.M.d", "yyyyMMdd", "yyyy年M月d日"];

    public ImportKind Kind => ImportKind.Screening;

    public IReadOnlyList<CsvColumn> Columns { get; } = [StudentId, Instrument, TakenOn, Total, .. Items];

    public async Task RunAsync(ImportContext context, IAsyncEnumerable<CsvRecord> rows)
    {
        var chunks = Channel.CreateBounded<List<Parsed>>(new BoundedChannelOptions(Chunks) { SingleWriter = true });
        var appliers = Enumerable.Range(0, Chunks).Select(_ => Task.Run(async () =>
        {
            await foreach (var chunk in chunks.Reader.ReadAllAsync())
            {
                await ApplyAsync(context, chunk);
            }
        })).ToArray();

        try
        {
            await foreach (var chunk in ParsedAsync(context, rows).ChunkAsync(ChunkSize, FlushAfter))
            {
                await chunks.Writer.WriteAsync(chunk);
            }
        }
        finally
        {
            chunks.Writer.TryComplete();

            // Rows already handed out finish, whatever stopped the reading: each is applied whole or not at all.
            await Task.WhenAll(appliers);
        }
    }

    private async IAsyncEnumerable<Parsed> ParsedAsync(ImportContext context, IAsyncEnumerable<CsvRecord> rows)
    {
        await foreach (var record in rows)
        {
            if (Parse(context, record) is { } parsed)
            {
                yield return parsed;
            }
        }
    }

    /// <summary>A row checked and scored, or null when it was refused (the reasons are in the context).</summary>
    private Parsed? Parse(ImportContext context, CsvRecord record)
    {
        var header = context.Header;
        var errors = new List<RowError>();
        var row = record.Row;

        var studentId = header.Get(record, StudentId);
        if (studentId is null)
        {
            errors.Add(new RowError(row, header.HeaderText(StudentId), "学号不能为空。", null));
        }
        else if (!Identifiers.IsValid(studentId))
        {
            errors.Add(new RowError(row, header.HeaderText(StudentId), "学号只能由 1-64 位字母、数字和 . _ - 组成。", studentId));
        }

        var name = header.Get(record, Instrument);
        var instrument = name is null ? null : instruments.Value.Find(name);
        if (name is null)
        {
            errors.Add(new RowError(row, header.HeaderText(Instrument), "量表不能为空。", null));
        }
        else if (instrument is null)
        {
            errors.Add(new RowError(row, header.HeaderText(Instrument),
                $"未知量表，可用：{string.Join("、", instruments.Value.Instruments.Select(i => i.Id))}。", name));
        }

        var dateText = header.Get(record, TakenOn);
        DateOnly takenOn = default;
        if (dateText is null)
        {
            errors.Add(new RowError(row, header.HeaderText(TakenOn), "测评日期不能为空。", null));
        }
        else if (!DateOnly.TryParseExact(dateText, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out takenOn))
        {
            errors.Add(new RowError(row, header.HeaderText(TakenOn), "日期格式应为 yyyy-MM-dd（如 2026-09-15）。", dateText));
        }
        else if (takenOn > DateOnly.FromDateTime(time.GetUtcNow().ToOffset(Model.BeijingTime.Offset).DateTime))
        {
            errors.Add(new RowError(row, header.HeaderText(TakenOn), "测评日期不能晚于今天。", dateText));
        }

        int[] answers = [];
        if (instrument is not null)
        {
            answers = new int[instrument.Items];
            for (var i = 0; i < MaxItems; i++)
            {
                var column = Items[i];
                var text = header.Get(record, column);
                if (i >= instrument.Items)
                {
                    if (text is not null)
                    {
                        errors.Add(new RowError(row, header.HeaderText(column), $"{instrument.Id} 只有 {instrument.Items} 题，此列应为空。", text));
                    }
                }
                else if (!header.Has(column))
                {
                    // Reported once per row: the file lacks the column altogether.
                    errors.Add(new RowError(row, column.Name, $"{instrument.Id} 需要第 1-{instrument.Items} 题，文件缺少此列。", null));
                }
                else if (text is null)
                {
                    errors.Add(new RowError(row, header.HeaderText(column), "答案不能为空。", null));
                }
                else if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var answer) || answer > instrument.MaxAnswer)
                {
                    errors.Add(new RowError(row, header.HeaderText(column), $"答案应为 0-{instrument.MaxAnswer} 的整数。", text));
                }
                else
                {
                    answers[i] = answer;
                }
            }
        }

        var totalText = header.Get(record, Total);
        if (totalText is not null && instrument is not null && errors.Count == 0)
        {
            var sum = answers.Sum();
            if (!int.TryParse(totalText, NumberStyles.None, CultureInfo.InvariantCulture, out var total) || total != sum)
            {
                errors.Add(new RowError(row, header.HeaderText(Total), $"总分与各题之和 {sum} 不符。", totalText));
            }
        }

        if (errors.Count > 0)
        {
            context.Failed(errors);
            return null;
        }

        var result = ScreeningScorer.Score(instrument!, takenOn, answers) with { ImportId = context.Job.ImportId, Row = row };
        return new Parsed(row, studentId!, result);
    }

    private async Task ApplyAsync(ImportContext context, List<Parsed> chunk)
    {
        // First ask the journal which keys are stored already (a file imported again, a duplicate row), so
        // that a re-import neither writes nor wakes anything.
        var already = await WithRetryAsync(() => journal.FindScreeningsAsync([.. chunk.Select(p => (p.StudentId, p.Result.Key)).Distinct()]));
        var found = new Dictionary<(string, string), StoredScreening>();
        foreach (var screening in already)
        {
            found.TryAdd((screening.StudentId, screening.Key), screening);
        }

        var scope = context.Caller.Scope;
        var fresh = new List<Parsed>(chunk.Count);
        foreach (var parsed in chunk)
        {
            if (!found.TryGetValue((parsed.StudentId, parsed.Result.Key), out var first))
            {
                fresh.Add(parsed);
            }
            else if (!first.Lineage.IsWithin(scope))
            {
                context.Failed(parsed.Row, context.Header.HeaderText(StudentId), OutsideScope, parsed.StudentId);
            }
            else
            {
                Stored(context, parsed, first.ImportId, first.Row);
            }
        }

        // Most students screen Green and are Green already: their results change nothing but the archive and
        // go in bulk, without waking the student (a key's first row only: a repeat is a duplicate row, which
        // its grain then reports). Every other result is its student's grain's to apply.
        var quiet = fresh.Where(p => p.Result.Tier == Tier.Green).DistinctBy(p => (p.StudentId, p.Result.Key)).ToList();
        var stored = quiet.Count == 0 ? new HashSet<(string, string)>()
            : await WithRetryAsync(() => journal.RecordQuietScreeningsAsync(
                [.. quiet.Select(p => (p.StudentId, p.Result))], context.Caller.Actor, scope, time.GetUtcNow()));
        var sent = new HashSet<Parsed>(quiet, ReferenceEqualityComparer.Instance);
        var pending = new List<Parsed>(fresh.Count);
        foreach (var parsed in fresh)
        {
            if (sent.Contains(parsed) && stored.Contains((parsed.StudentId, parsed.Result.Key)))
            {
                context.Applied();
            }
            else
            {
                pending.Add(parsed);
            }
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = CallsPerChunk };

        // A student's rows go in file order, so that of two rows with the same key the later one is the duplicate.
        await Parallel.ForEachAsync(pending.GroupBy(p => p.StudentId), options, async (rows, _) =>
        {
            foreach (var parsed in rows)
            {
                var receipt = await WithRetryAsync(() =>
                    grains.Student(parsed.StudentId).ApplyScreeningAsync(parsed.Result, context.Caller.Actor, scope, release: true));
                switch (receipt.Outcome)
                {
                    case ScreeningOutcome.Applied:
                        context.Applied(receipt.TierRaised);
                        break;
                    case ScreeningOutcome.AlreadyStored:
                        Stored(context, parsed, receipt.Stored?.ImportId, receipt.Stored?.Row ?? 0);
                        break;
                    case ScreeningOutcome.UnknownStudent:
                        context.Failed(parsed.Row, context.Header.HeaderText(StudentId), "学号不存在：请先导入学生名单。", parsed.StudentId);
                        break;
                    default:
                        context.Failed(parsed.Row, context.Header.HeaderText(StudentId), OutsideScope, parsed.StudentId);
                        break;
                }
            }
        });
    }

    private const string OutsideScope = "该学生不在你的管理范围内。";

    /// <summary>A row whose key is stored: unchanged, unless an earlier row of this same file stored it (a duplicate row).</summary>
    private static void Stored(ImportContext context, Parsed parsed, string? importId, int row)
    {
        if (importId == context.Job.ImportId && row != parsed.Row)
        {
            context.Failed(parsed.Row, null, $"重复行：与第 {row} 行的学号、量表和测评日期相同。", $"{parsed.StudentId} {parsed.Result.Key}");
        }
        else
        {
            context.Unchanged();
        }
    }

    /// <summary>Retries a call that failed for want of storage or a node, with back-off; the last failure goes through.</summary>
    private static async Task<T> WithRetryAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception) when (attempt < Attempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500 * (1 << attempt)));
            }
        }
    }

    private sealed record Parsed(int Row, string StudentId, ScreeningResult Result);
}
