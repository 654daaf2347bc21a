using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MonitorGrid.Persistence;

/// <summary>
/// Runs the <see cref="SchemaMigrator"/> while the host is starting, before any hosted service starts, so
/// the Orleans silo finds its tables and queries when it loads them. A database that is not reachable yet
/// is retried with backoff until <see cref="StartupTimeout"/>; then start-up fails with the reason.
/// </summary>
public sealed partial class SchemaMigrationService : IHostedLifecycleService
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    private readonly SchemaMigrator _migrator;
    private readonly ILogger<SchemaMigrationService> _logger;
    private readonly TimeProvider _time;

    public SchemaMigrationService(SchemaMigrator migrator, ILogger<SchemaMigrationService> logger)
        : this(migrator, logger, TimeSpan.FromSeconds(60), TimeProvider.System)
    {
    }

    internal SchemaMigrationService(
        SchemaMigrator migrator, ILogger<SchemaMigrationService> logger, TimeSpan startupTimeout, TimeProvider time)
    {
        _migrator = migrator;
        _logger = logger;
        _time = time;
        StartupTimeout = startupTimeout;
    }

    /// <summary>How long start-up waits for the database before giving up.</summary>
    public TimeSpan StartupTimeout { get; }

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _migrator.MigrateAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                var elapsed = _time.GetElapsedTime(started);
                if (elapsed + delay > StartupTimeout)
                {
                    LogGaveUp(_logger, ex, attempt, elapsed.TotalSeconds);
                    throw new InvalidOperationException(
                        $"The PostgreSQL database (ConnectionStrings:MonitorGrid) could not be reached to migrate the schema " +
                        $"within {StartupTimeout.TotalSeconds:0} s ({attempt} attempts): {ex.Message}", ex);
                }

                LogRetrying(_logger, attempt, ex.Message, delay.TotalMilliseconds);
                await Task.Delay(delay, _time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Failures worth waiting out: the server is not up, not accepting connections yet, or overloaded.</summary>
    private static bool IsTransient(Exception ex) => ex switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState == PostgresErrorCodes.CannotConnectNow,
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException => true,
        _ => false,
    };

    [LoggerMessage(EventId = 7010, Level = LogLevel.Warning,
        Message = "Database not ready for schema migration (attempt {Attempt}): {Reason}; retrying in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, int attempt, string reason, double delayMs);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Critical,
        Message = "Giving up on schema migration after {Attempt} attempts over {ElapsedSeconds:0.0} s")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, int attempt, double elapsedSeconds);
}
