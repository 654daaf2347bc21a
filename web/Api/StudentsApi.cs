using Microsoft.AspNetCore.Http.HttpResults;
using MonitorGrid.Grains;
using MonitorGrid.Web.Audit;
using MonitorGrid.Web.Auth;
using MonitorGrid.Web.Infrastructure;

namespace MonitorGrid.Web.Api;

public static class StudentsApi
{
    public static RouteGroupBuilder MapStudentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/students").WithTags("Students").RequireAuthorization();
        group.MapGet("/{id}", GetArchiveAsync).WithName("GetStudentArchive");
        return group;
    }

    private static async Task<Results<Ok<StudentArchive>, ProblemHttpResult>> GetArchiveAsync(
        string id, HttpContext http, IGrainFactory grains, IAuditTrail audit, TimeProvider time)
    {
        var caller = Caller.From(http.User);
        if (caller is null || !Permissions.CanReadArchive(caller.Role))
        {
            return Problems.Forbidden("This role may not read student archives.");
        }

        if (!Identifiers.IsValid(id))
        {
            return Problems.BadRequest("A student id is 1-64 characters of A-Z a-z 0-9 . _ -.");
        }

        var archive = await grains.Student(id).GetArchiveAsync();
        if (archive is null)
        {
            return Problems.NotFound($"No student '{id}'.");
        }

        if (!new Lineage(archive.DistrictId, archive.SchoolId, archive.ClassId, archive.StudentId).IsWithin(caller.Scope))
        {
            return Problems.Forbidden($"Student '{id}' is outside your scope {caller.Scope}.");
        }

        await audit.RecordAsync(new AuditEntry(
            time.GetUtcNow(), caller.UserId, caller.Role, "ReadArchive", $"student:{id}",
            http.Connection.RemoteIpAddress?.ToString()));
        return TypedResults.Ok(archive);
    }
}
