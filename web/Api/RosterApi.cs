using Microsoft.AspNetCore.Http.HttpResults;
using MonitorGrid.Web.Audit;
using MonitorGrid.Web.Auth;
using MonitorGrid.Web.Roster;

namespace MonitorGrid.Web.Api;

public static class RosterApi
{
    public static RouteGroupBuilder MapRosterApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/roster").WithTags("Roster")
            .RequireAuthorization(policy => policy.RequireClaim(Caller.RoleClaim, nameof(Role.Admin)));
        group.MapPut("/", UpsertAsync).WithName("UpsertRoster");
        return group;
    }

    private static async Task<Results<Ok<RosterCounts>, ValidationProblem>> UpsertAsync(
        RosterRequest request, HttpContext http, RosterWriter writer, IAuditTrail audit, TimeProvider time)
    {
        var (plan, errors) = await writer.ValidateAsync(request, http.RequestAborted);
        if (plan is null)
        {
            return errors.ToProblem($"Nothing was stored. {errors.First}");
        }

        // Once valid, the change is applied even if the client goes away: a half-applied roster helps nobody.
        var counts = await writer.ApplyAsync(plan, CancellationToken.None);
        var caller = Caller.From(http.User)!;
        await audit.RecordAsync(new AuditEntry(
            time.GetUtcNow(), caller.UserId, caller.Role, "UpsertRoster",
            $"districts={counts.Districts} schools={counts.Schools} classes={counts.Classes} students={counts.Students} staff={counts.Staff}",
            http.Connection.RemoteIpAddress?.ToString()));
        return TypedResults.Ok(counts);
    }
}
