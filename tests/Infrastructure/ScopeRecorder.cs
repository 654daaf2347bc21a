using System.Collections.Concurrent;
using System.Diagnostics;
using MonitorGrid.Grains;

namespace MonitorGrid.Tests.Infrastructure;

/// <summary>Records what a scope grain sends to a subscriber, with the (real) time of arrival.</summary>
internal sealed class ScopeRecorder : IScopeObserver
{
    private readonly ConcurrentQueue<(long At, ScopeStatus Status)> _statuses = new();
    private readonly ConcurrentQueue<(string Scope, AlertEvent Alert)> _alerts = new();
    private readonly ConcurrentQueue<(string Scope, EscalationEvent Escalation)> _escalations = new();
    private readonly ConcurrentQueue<(string Scope, CaseEvent Case)> _cases = new();

    public IReadOnlyList<(long At, ScopeStatus Status)> Statuses => [.. _statuses];

    public IReadOnlyList<(string Scope, AlertEvent Alert)> Alerts => [.. _alerts];

    public IReadOnlyList<(string Scope, EscalationEvent Escalation)> Escalations => [.. _escalations];

    public IReadOnlyList<(string Scope, CaseEvent Case)> Cases => [.. _cases];

    public Task OnStatusAsync(ScopeStatus status)
    {
        _statuses.Enqueue((Stopwatch.GetTimestamp(), status));
        return Task.CompletedTask;
    }

    public Task OnAlertAsync(string scope, AlertEvent alert)
    {
        _alerts.Enqueue((scope, alert));
        return Task.CompletedTask;
    }

    public Task OnEscalationAsync(string scope, EscalationEvent escalation)
    {
        _escalations.Enqueue((scope, escalation));
        return Task.CompletedTask;
    }

    public Task OnCaseAsync(string scope, CaseEvent change)
    {
        _cases.Enqueue((scope, change));
        return Task.CompletedTask;
    }
}
