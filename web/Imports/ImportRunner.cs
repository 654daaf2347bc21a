using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using MonitorGrid.Grains;
using MonitorGrid.Infrastructure;
using MonitorGrid.Web.Auth;
using MonitorGrid.Web.Imports.Csv;

namespace MonitorGrid.Web.Imports;

/// <summary>Limits of imports (<c>Grid:Imports</c>).</summary>
public sealed class ImportOptions
{
    public const string Section = "Grid:Imports";

    /// <summary>The largest file accepted, in bytes (1 GiB: a city's screening is about 150 MB).</summary>
    [Range(1024L, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 1L << 30;

    /// <summary>Refused rows kept per import for the error report; beyond this they are only counted.</summary>
    [Range(1, 10_000_000)]
    public int MaxErrorsKept { get; set; } = 100_000;

    /// <summary>How often progress goes to watchers.</summary>
    public TimeSpan ProgressEvery { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often progress and refused rows are saved while running.</summary>
    public TimeSpan SaveEvery { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A running import not saved for this long has lost the node reading its file (a live one saves every
    /// <see cref="SaveEvery"/>): it is marked failed, so that it does not show as running for ever.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AbandonedAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often each web node looks for abandoned imports.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AbandonedCheckEvery { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>How an import's run ended, with the header problems when the file could not be used at all.</summary>
public sealed record ImportRun(ImportJob Job, IReadOnlyList<HeaderProblem> HeaderProblems);

/// <summary>
/// Runs one import as its file streams in: reads the header, hands the rows to the kind's processor,
/// and keeps watchers, the store and the cancel signal up to date until the end. The file is never held
/// whole: rows are read, checked and applied in bounded batches.
/// </summary>
public sealed partial class ImportRunner(
    IGrainFactory grains,
    IImportStore store,
    IEnumerable<IImportProcessor> processors,
    TimeProvider time,
    IOptions<ImportOptions> options,
    ILogger<ImportRunner> logger)
{
    /// <summary>The message of a running import that has been told to stop and is finishing the rows in flight.</summary>
    public const string Stopping = "正在取消：进行中的行完成后停止。";

    public const string FaultMessage = "保存失败（数据库或集群暂时不可用）。已导入的行都已保存；恢复后重新导入同一文件即可继续，已导入的行不会重复。";

    /// <summary>
    /// Moves a waiting job to Running; false when its file was sent already. Only one upload of a job runs.
    /// </summary>
    public Task<bool> TryStartAsync(ImportJob job, long? length, out ImportJob running)
    {
        running = job with { State = ImportState.Running, StartedAt = time.GetUtcNow(), BytesTotal = length ?? 0 };
        return store.TryLeaveWaitingAsync(running);
    }

    /// <summary>Reads <paramref name="body"/> to its end (or until cancelled) and applies its rows; <paramref name="running"/> comes from <see cref="TryStartAsync"/>.</summary>
    public async Task<ImportRun> RunAsync(ImportJob running, Stream body, Caller caller, CancellationToken aborted)
    {
        var job = running;
        var processor = processors.Single(p => p.Kind == job.Kind);
        await ReportAsync(running);
        LogStarted(logger, job.ImportId, job.Kind, job.FileName, caller.UserId);

        CsvRecordReader reader;
        try
        {
            reader = await CsvRecordReader.OpenAsync(body, job.Encoding, aborted);
        }
        catch (ArgumentException ex)
        {
            return await RefuseAsync(running, [new HeaderProblem("encoding", ex.Message)]);
        }

        await using var _ = reader;
        var first = await reader.ReadAsync(aborted);
        if (first is null)
        {
            return await RefuseAsync(running with { EncodingUsed = reader.EncodingName }, [new HeaderProblem("表头", "文件是空的：第 1 行应是表头。")]);
        }

        var header = CsvHeader.Map(first.Fields, processor.Columns, out var problems);
        if (problems.Count > 0)
        {
            return await RefuseAsync(running with { EncodingUsed = reader.EncodingName, IgnoredColumns = [.. header.Ignored] }, problems);
        }

        using var stop = new CancellationTokenSource();
        var context = new ImportContext(running with { EncodingUsed = reader.EncodingName }, caller, header, stop.Token)
        {
            MaxErrorsKept = options.Value.MaxErrorsKept,
        };
        using var progressEnd = new CancellationTokenSource();
        var progress = ProgressLoopAsync(context, reader, stop, progressEnd.Token);

        Exception? fault = null;
        try
        {
            await processor.RunAsync(context, RowsAsync(reader, context, aborted));
        }
        catch (Exception ex)
        {
            fault = ex;
        }

        await progressEnd.CancelAsync();
        await progress;

        var state = fault is not null ? ImportState.Failed : stop.IsCancellationRequested ? ImportState.Cancelled : ImportState.Completed;
        var message = fault switch
        {
            null when state == ImportState.Cancelled => "已取消。取消前导入的行都已保存；重新导入同一文件即可继续。",
            null => null,
            _ when aborted.IsCancellationRequested || fault is IOException or Microsoft.AspNetCore.Connections.ConnectionResetException or BadHttpRequestException =>
                "上传中断。已导入的行都已保存；重新导入同一文件即可继续。",
            _ => FaultMessage,
        };
        if (fault is not null)
        {
            LogFailed(logger, fault, job.ImportId, context.RowsRead);
        }

        var final = context.Snapshot(state, reader.BytesRead, running.BytesTotal) with { FinishedAt = time.GetUtcNow(), Message = message, SecondsLeft = null };
        try
        {
            await SaveErrorsAsync(context);
            await store.SaveAsync(final, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The store may be what failed the import. The watchers and the answer still get the final
            // state, and the grain holds it for GET while the store says Running.
            LogFinalSaveFailed(logger, ex, job.ImportId);
        }

        await ReportAsync(final);
        GridMetrics.ImportRows.Add(final.RowsApplied, new("kind", job.Kind.ToString()), new("outcome", "applied"));
        GridMetrics.ImportRows.Add(final.RowsUnchanged, new("kind", job.Kind.ToString()), new("outcome", "unchanged"));
        GridMetrics.ImportRows.Add(final.RowsFailed, new("kind", job.Kind.ToString()), new("outcome", "failed"));
        LogFinished(logger, job.ImportId, state, final.RowsApplied, final.RowsUnchanged, final.RowsFailed, final.RowsPerSecond);
        if (state == ImportState.Cancelled && !aborted.IsCancellationRequested)
        {
            // The uploader is still sending: take the rest without applying it, so it gets its answer instead of a
            // reset connection. The end is saved and reported before, so watchers see the cancel when the rows
            // stop, not when a slow upload is over; an uploader that gives up meanwhile changes nothing.
            try
            {
                await DrainAsync(body, aborted);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException
                or Microsoft.AspNetCore.Connections.ConnectionResetException)
            {
                // The uploader went away: there is nobody left to answer, and the import has ended already.
            }
        }

        return new ImportRun(final, []);
    }

    /// <summary>The data rows, each counted as read; rows the reader could not make sense of are refused here.</summary>
    private static async IAsyncEnumerable<CsvRecord> RowsAsync(
        CsvRecordReader reader, ImportContext context, [EnumeratorCancellation] CancellationToken aborted)
    {
        var width = context.Header.Width;
        while (!context.Stopping.IsCancellationRequested && await reader.ReadAsync(aborted) is { } record)
        {
            context.Read();
            if (record.Problem is { } problem)
            {
                context.Failed(record.Row, null, problem);
            }
            else if (record.InvalidText)
            {
                context.Failed(record.Row, null, "含有无法识别的字符：请把文件另存为 UTF-8 或 GB18030（ANSI）编码的 CSV，或在导入时指定编码。");
            }
            else if (record.Fields.Length > width && record.Fields.Skip(width).Any(f => !string.IsNullOrWhiteSpace(f)))
            {
                context.Failed(record.Row, null, $"本行比表头多出 {record.Fields.Length - width} 列：检查是否有未加引号的逗号。");
            }
            else
            {
                yield return record;
            }
        }
    }

    private async Task<ImportRun> RefuseAsync(ImportJob running, IReadOnlyList<HeaderProblem> problems)
    {
        var message = "文件无法导入，未导入任何行：" + string.Join("；", problems.Select(p => $"{p.Column}：{p.Reason}"));
        var failed = running with { State = ImportState.Failed, FinishedAt = time.GetUtcNow(), Message = message };
        await store.SaveAsync(failed, CancellationToken.None);
        await ReportAsync(failed);
        LogRefused(logger, running.ImportId, message);
        return new ImportRun(failed, problems);
    }

    private async Task ProgressLoopAsync(ImportContext context, CsvRecordReader reader, CancellationTokenSource stop, CancellationToken end)
    {
        var saveEvery = options.Value.SaveEvery;
        var lastSave = TimeSpan.Zero;
        using var timer = new PeriodicTimer(options.Value.ProgressEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(end))
            {
                var snapshot = context.Snapshot(ImportState.Running, reader.BytesRead, context.Job.BytesTotal);
                if (stop.IsCancellationRequested)
                {
                    // The reader has been told: watchers see that it is stopping, not merely asked to.
                    snapshot = snapshot with { CancelRequested = true, Message = Stopping };
                }

                if (await ReportAsync(snapshot) && !stop.IsCancellationRequested)
                {
                    await stop.CancelAsync();
                    await ReportAsync(snapshot with { CancelRequested = true, Message = Stopping });
                }

                if (context.Elapsed - lastSave >= saveEvery)
                {
                    lastSave = context.Elapsed;
                    await SaveErrorsAsync(context);
                    await store.SaveAsync(snapshot, CancellationToken.None);
                }
            }
        }
        catch (OperationCanceledException) when (end.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Progress is for people watching; the import itself goes on, and the final state is saved at the end.
            LogProgressFailed(logger, ex, context.Job.ImportId);
        }
    }

    private async Task SaveErrorsAsync(ImportContext context)
    {
        var (firstSeq, errors) = context.TakeErrors();
        if (errors.Count > 0)
        {
            await store.AddErrorsAsync(context.Job.ImportId, firstSeq, errors, CancellationToken.None);
        }
    }

    /// <summary>Tells the import's grain (and so every watcher); answers whether cancelling was asked for.</summary>
    private async Task<bool> ReportAsync(ImportJob job)
    {
        try
        {
            return await grains.Import(job.ImportId).ReportAsync(job);
        }
        catch (Exception ex)
        {
            LogProgressFailed(logger, ex, job.ImportId);
            return false;
        }
    }

    private static async Task DrainAsync(Stream body, CancellationToken aborted)
    {
        var buffer = new byte[64 * 1024];
        while (await body.ReadAsync(buffer, aborted) > 0)
        {
        }
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Import {ImportId} ({Kind}, {FileName}) started by {UserId}")]
    private static partial void LogStarted(ILogger logger, string importId, ImportKind kind, string fileName, string userId);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Import {ImportId} ended {State}: {Applied} applied, {Unchanged} unchanged, {Failed} refused, {RowsPerSecond} rows/s")]
    private static partial void LogFinished(ILogger logger, string importId, ImportState state, long applied, long unchanged, long failed, double rowsPerSecond);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "Import {ImportId} refused its file: {Message}")]
    private static partial void LogRefused(ILogger logger, string importId, string message);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Error, Message = "Import {ImportId} failed after {RowsRead} rows read; the rows applied stay applied")]
    private static partial void LogFailed(ILogger logger, Exception exception, string importId, long rowsRead);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Error, Message = "Saving the final state of import {ImportId} failed; its grain still has it")]
    private static partial void LogFinalSaveFailed(ILogger logger, Exception exception, string importId);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Warning, Message = "Reporting the progress of import {ImportId} failed")]
    private static partial void LogProgressFailed(ILogger logger, Exception exception, string importId);
}
