using Microsoft.Extensions.Options;
using MonitorGrid.Grains;

namespace MonitorGrid.Web.Imports;

/// <summary>
/// On every web node: ends as failed the imports whose reader went away with its node (killed, evicted), which
/// would otherwise show as running for ever, and tells their watchers. The rows applied before stay applied, and
/// importing the same file again finishes it (a re-import skips what is stored).
/// </summary>
public sealed partial class AbandonedImportReaper(
    IImportStore store, IGrainFactory grains, IOptions<ImportOptions> options, TimeProvider time, ILogger<AbandonedImportReaper> logger)
    : BackgroundService
{
    public const string Message = "读取该文件的节点已停止，导入中断：已导入的行保持有效，重新导入同一文件即可完成其余的行。";

    /// <summary>Ends every abandoned import now; returns them as ended.</summary>
    public async Task<IReadOnlyList<ImportJob>> ReapAsync(CancellationToken cancellationToken)
    {
        var ended = await store.EndAbandonedAsync(
            options.Value.AbandonedAfter,
            job => job with { State = ImportState.Failed, FinishedAt = time.GetUtcNow(), SecondsLeft = null, Message = Message },
            cancellationToken);
        foreach (var job in ended)
        {
            LogAbandoned(logger, job.ImportId, job.RowsRead, options.Value.AbandonedAfter.TotalSeconds);
            try
            {
                await grains.Import(job.ImportId).ReportAsync(job);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store has the final state; watchers get it from there on their next look.
                LogTellFailed(logger, ex, job.ImportId);
            }
        }

        return ended;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AbandonedCheckEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReapAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be out of reach: the next tick looks again.
                LogReapFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 8007, Level = LogLevel.Warning,
        Message = "Import {ImportId} was abandoned by its node after {RowsRead} rows (nothing saved for {SilenceSeconds} s): marked failed")]
    private static partial void LogAbandoned(ILogger logger, string importId, long rowsRead, double silenceSeconds);

    [LoggerMessage(EventId = 8008, Level = LogLevel.Warning, Message = "Telling the watchers of abandoned import {ImportId} failed")]
    private static partial void LogTellFailed(ILogger logger, Exception exception, string importId);

    [LoggerMessage(EventId = 8009, Level = LogLevel.Warning, Message = "Looking for abandoned imports failed")]
    private static partial void LogReapFailed(ILogger logger, Exception exception);
}
