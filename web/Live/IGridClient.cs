namespace MonitorGrid.Web.Live;

/// <summary>
/// What the hub sends to boards. The method names are the contract's wire names, <c>status</c> and
/// <c>alert</c>, spelled exactly so that every client matches them whatever its case rules.
/// </summary>
#pragma warning disable IDE1006 // Wire names from the contract.
public interface IGridClient
{
    /// <summary>The status of a watched scope changed (coalesced, at most ten a second per scope).</summary>
    Task status(ScopeStatus snapshot);

    /// <summary>An alert under a watched scope was raised, raised higher, acknowledged or resolved.</summary>
    Task alert(AlertEvent change);

    /// <summary>An alert nobody acknowledged in time was escalated to the watched scope (an addition to the contract).</summary>
    Task escalation(EscalationEvent escalation);

    /// <summary>A case under the watched scope changed or fell overdue (an addition to the contract; not sent to the city).</summary>
    Task @case(CaseEvent change);

    /// <summary>A watched import made progress or ended (an addition to the contract: docs/imports.md).</summary>
    Task import(ImportJob progress);
}
#pragma warning restore IDE1006
