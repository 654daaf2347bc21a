using Microsoft.AspNetCore.Http.HttpResults;
using MonitorGrid.Grains;
using MonitorGrid.Web.Audit;
using MonitorGrid.Web.Auth;
using MonitorGrid.Web.Infrastructure;

namespace MonitorGrid.Web.Api;

/// <summary>Body of a resolve.</summary>
public sealed record ResolveRequest(string? Note);

public static class AlertsApi
{
    public static RouteGroupBuilder MapAlertsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/alerts").WithTags("Alerts").RequireAuthorization();
        group.MapPost("/{id}/acknowledge", AcknowledgeAsync).WithName("AcknowledgeAlert");
        group.MapPost("/{id}/resolve", ResolveAsync).WithName("ResolveAlert");
        return group;
    }

    private static Task<Results<Ok<AlertSummary>, ValidationProblem, ProblemHttpResult>> AcknowledgeAsync(
        string id, HttpContext http, IGrainFactory grains, IAuditTrail audit, TimeProvider time) =>
        ActAsync(id, http, grains, audit, time, "AcknowledgeAlert", Permissions.CanAcknowledge,
            (student, actor) => student.AcknowledgeAlertAsync(id, actor));

    private static async Task<Results<Ok<AlertSummary>, ValidationProblem, ProblemHttpResult>> ResolveAsync(
        string id, ResolveRequest? request, HttpContext http, IGrainFactory grains, IAuditTrail audit, TimeProvider time)
    {
        if (request?.Note is { Length: > ObservationsApi.MaxNoteLength })
        {
            var errors = new ValidationErrors();
            errors.Add("note", $"At most {ObservationsApi.MaxNoteLength} characters.");
            return errors.ToProblem();
        }

        return await ActAsync(id, http, grains, audit, time, "ResolveAlert", Permissions.CanResolve,
            (student, actor) => student.ResolveAlertAsync(id, actor, request?.Note));
    }

    private static async Task<Results<Ok<AlertSummary>, ValidationProblem, ProblemHttpResult>> ActAsync(
        string alertId, HttpContext http, IGrainFactory grains, IAuditTrail audit, TimeProvider time, string action,
        Func<Role, bool> allowed, Func<IStudentGrain, Actor, Task<AlertActionResult>> act)
    {
        var caller = Caller.From(http.User);
        if (caller is null || !allowed(caller.Role))
        {
            return Problems.Forbidden($"The role {caller?.Role.ToString() ?? "(none)"} may not do this to an alert.");
        }

        if (!AlertIds.TryGetStudentId(alertId, out var studentId))
        {
            return Problems.NotFound($"No alert '{alertId}'.");
        }

        var student = grains.Student(studentId);
        var profile = await student.GetProfileAsync();
        if (profile is null)
        {
            return Problems.NotFound($"No alert '{alertId}'.");
        }

        if (!profile.Lineage.IsWithin(caller.Scope))
        {
            return Problems.Forbidden($"Alert '{alertId}' is outside your scope {caller.Scope}.");
        }

        var result = await act(student, caller.Actor);
        switch (result.Outcome)
        {
            case AlertActionOutcome.NotFound:
                return Problems.NotFound($"No alert '{alertId}'.");
            case AlertActionOutcome.AlreadyResolved:
                return Problems.Conflict($"Alert '{alertId}' is already resolved.");
        }

        await audit.RecordAsync(new AuditEntry(
            time.GetUtcNow(), caller.UserId, caller.Role, action, $"alert:{alertId}",
            http.Connection.RemoteIpAddress?.ToString()));
        return TypedResults.Ok(result.Alert!);
    }
}
