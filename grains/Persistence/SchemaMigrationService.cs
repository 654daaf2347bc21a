using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MonitorGrid.Hosting;
using Npgsql;

namespace MonitorGrid.Persistence;

/// <summary>
/// Brings the schema up to date while the host is starting, before any hosted service starts, so the Orleans
/// silo finds its tables and queries when it loads them. With <see cref="SchemaOptions.ApplyAtStart"/> the node
/// runs the <see cref="SchemaMigrator"/> itself; without it (a migration job runs once per rollout) the node
/// waits until every migration it knows has been applied, so a new version never starts on an old schema.
/// A database that is not reachable yet is retried with backoff; past the timeout start-up fails with the reason.
/// </summary>
public sealed partial class SchemaMigrationService : IHostedLifecycleService
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    private readonly SchemaMigrator _migrator;
    private readonly ILogger<SchemaMigrationService> _logger;
    private readonly SchemaOptions _options;
    private readonly TimeProvider _time;

    public SchemaMigrationService(SchemaMigrator migrator, IOptions<SchemaOptions> options, ILogger<SchemaMigrationService> logger)
        : this(migrator, logger, options.Value, TimeProvider.System)
    {
    }

    internal SchemaMigrationService(SchemaMigrator migrator, ILogger<SchemaMigrationService> logger, SchemaOptions options, TimeProvider time)
    {
        _migrator = migrator;
        _logger = logger;
        _options = options;
        _time = time;
    }

    public Task StartingAsync(CancellationToken cancellationToken) =>
        _options.ApplyAtStart ? ApplyAsync(cancellationToken) : WaitUntilAppliedAsync(cancellationToken);

    /// <summary>Applies every missing migration, waiting up to <see cref="SchemaOptions.StartupTimeout"/> for the database.</summary>
    public Task ApplyAsync(CancellationToken cancellationToken) =>
        RetryAsync(
            async token =>
            {
                await _migrator.MigrateAsync(token);
                return true;
            },
            _options.StartupTimeout,
            "migrate the schema",
            cancellationToken);

    /// <summary>Waits up to <see cref="SchemaOptions.WaitTimeout"/> until the database has every migration this build knows.</summary>
    public Task WaitUntilAppliedAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string>? lastPending = null;
        return RetryAsync(
            async token =>
            {
                var pending = await _migrator.PendingAsync(token);
                if (pending.Count > 0 && (lastPending is null || !pending.SequenceEqual(lastPending)))
                {
                    LogWaitingForMigrations(_logger, pending.Count, string.Join(", ", pending));
                }

                lastPending = pending;
                return pending.Count == 0;
            },
            _options.WaitTimeout,
            "find every migration applied (is the migration job running?)",
            cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Runs <paramref name="attempt"/> until it answers true, waiting with backoff after a transient database error
    /// or a false answer; past <paramref name="timeout"/> start-up fails with what was being waited for.
    /// </summary>
    private async Task RetryAsync(Func<CancellationToken, Task<bool>> attempt, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var delay = FirstDelay;
        for (var count = 1; ; count++)
        {
            string reason;
            Exception? error = null;
            try
            {
                if (await attempt(cancellationToken))
                {
                    return;
                }

                reason = "not yet";
            }
            catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                error = ex;
                reason = ex.Message;
            }

            var elapsed = _time.GetElapsedTime(started);
            if (elapsed + delay > timeout)
            {
                LogGaveUp(_logger, error, what, count, elapsed.TotalSeconds);
                throw new InvalidOperationException(
                    error is null
                        ? $"The PostgreSQL database (ConnectionStrings:MonitorGrid) did not {what} within {timeout.TotalSeconds:0} s ({count} attempts)."
                        : $"The PostgreSQL database (ConnectionStrings:MonitorGrid) could not be reached to {what} " +
                          $"within {timeout.TotalSeconds:0} s ({count} attempts): {error.Message}",
                    error);
            }

            if (error is not null)
            {
                LogRetrying(_logger, count, reason, delay.TotalMilliseconds);
            }

            await Task.Delay(delay, _time, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    /// <summary>Failures worth waiting out: the server is not up, not accepting connections yet, or overloaded.</summary>
    private static bool IsTransient(Exception ex) => ex switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState == PostgresErrorCodes.CannotConnectNow,
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException => true,
        _ => false,
    };

    [LoggerMessage(EventId = 7010, Level = LogLevel.Warning,
        Message = "Database not ready for the schema (attempt {Attempt}): {Reason}; retrying in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, int attempt, string reason, double delayMs);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Critical,
        Message = "Giving up: the database did not {What} after {Attempt} attempts over {ElapsedSeconds:0.0} s")]
    private static partial void LogGaveUp(ILogger logger, Exception? exception, string what, int attempt, double elapsedSeconds);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Warning,
        Message = "Waiting for the migration job: {Count} migration(s) not applied yet: {Migrations}")]
    private static partial void LogWaitingForMigrations(ILogger logger, int count, string migrations);
}
