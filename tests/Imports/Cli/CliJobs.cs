// The importer's own wire types under names of their own: the server's (likely MonitorGrid.ImportJob …) would
// otherwise shadow them inside this namespace.
using CliJob = MonitorGrid.Importer.ImportJob;
using CliKind = MonitorGrid.Importer.ImportKind;
using CliState = MonitorGrid.Importer.ImportState;

namespace MonitorGrid.Tests.Imports.Cli;

/// <summary>Import jobs as the importer would receive them, for the tests of what it shows.</summary>
internal static class CliJobs
{
    public static CliJob Running(
        long bytesRead = 0, long? bytesTotal = 1_000, long applied = 0, long unchanged = 0, long failed = 0,
        double rowsPerSecond = 0, double? secondsLeft = null) =>
        new("imp-1", CliKind.Screening, "results.csv", CliState.Running,
            BytesRead: bytesRead, BytesTotal: bytesTotal, RowsRead: applied + unchanged + failed,
            RowsApplied: applied, RowsUnchanged: unchanged, RowsFailed: failed, RowsPerSecond: rowsPerSecond, SecondsLeft: secondsLeft);

    public static CliJob Completed(
        long bytesRead = 1_000, long? bytesTotal = 1_000, long applied = 0, long unchanged = 0, long failed = 0,
        double rowsPerSecond = 0, DateTimeOffset? startedAt = null, DateTimeOffset? finishedAt = null) =>
        Running(bytesRead, bytesTotal, applied, unchanged, failed, rowsPerSecond) with
        {
            State = CliState.Completed,
            StartedAt = startedAt,
            FinishedAt = finishedAt,
        };
}
