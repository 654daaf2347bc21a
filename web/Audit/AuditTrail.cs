using System.Collections.Concurrent;

namespace MonitorGrid.Web.Audit;

/// <summary>One audited access or change: who, in which role, did what to what, when, from where.</summary>
public sealed record AuditEntry(DateTimeOffset At, string UserId, Role Role, string Action, string Target, string? ClientAddress);

/// <summary>Where audit entries go. Append-only: there is no way to change or remove one.</summary>
public interface IAuditTrail
{
    Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The newest entries first.</summary>
    Task<IReadOnlyList<AuditEntry>> RecentAsync(int count, CancellationToken cancellationToken = default);
}

/// <summary>
/// The in-memory trail of the demo mode: the most recent entries, also written to the log so that an
/// operator can keep them. Nothing here survives a restart.
/// </summary>
public sealed partial class InMemoryAuditTrail(ILogger<InMemoryAuditTrail> logger) : IAuditTrail
{
    private const int Capacity = 100_000;
    private readonly ConcurrentQueue<AuditEntry> _entries = new();

    public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        _entries.Enqueue(entry);
        while (_entries.Count > Capacity && _entries.TryDequeue(out _))
        {
        }

        LogAudit(logger, entry.UserId, entry.Role, entry.Action, entry.Target, entry.ClientAddress);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEntry>> RecentAsync(int count, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AuditEntry>>([.. _entries.Reverse().Take(count)]);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Audit: {UserId} ({Role}) {Action} {Target} from {ClientAddress}")]
    private static partial void LogAudit(ILogger logger, string userId, Role role, string action, string target, string? clientAddress);
}
