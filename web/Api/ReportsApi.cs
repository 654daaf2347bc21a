using System.Net.Mime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using MonitorGrid.Grains;
using MonitorGrid.Hosting;
using MonitorGrid.Persistence;
using MonitorGrid.Reports;
using MonitorGrid.Web.Auth;
using MonitorGrid.Web.Infrastructure;

namespace MonitorGrid.Web.Api;

/// <summary>
/// The monthly report (月报) of a school or a district, as JSON or as a CSV download: an addition to the
/// contract. Reports are counts only, so the city bureau may read them too.
/// </summary>
public static class ReportsApi
{
    public static RouteGroupBuilder MapReportsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization();
        group.MapGet("/monthly", GetMonthlyAsync)
            .WithName("GetMonthlyReport")
            .Produces<MonthlyReport>(StatusCodes.Status200OK, "application/json", "text/csv")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Summary = "The monthly report (月报) of a school or a district for a Beijing calendar month.";
                operation.Description =
                    "scope: school:{id} or district:{id}; month: yyyy-MM (the current month is allowed and marked incomplete, "
                    + "a later one is a 400); format: json (the default) or csv (UTF-8 with a byte-order mark, for Excel).";
                if (operation.Responses is { } responses && responses.TryGetValue("200", out var ok)
                    && ok.Content is { } content && content.TryGetValue("text/csv", out var csv))
                {
                    csv.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "CSV rows 分类,指标,数值, CRLF line ends." };
                }

                return Task.CompletedTask;
            });
        return group;
    }

    /// <summary>The school's and district's support teams, the city bureau and the administrator.</summary>
    public static bool CanRead(Role role) =>
        role is Role.PsychTeacher or Role.SchoolLead or Role.DistrictCenter or Role.CityBureau or Role.Admin;

    private static async Task<Results<Ok<MonthlyReport>, FileContentHttpResult, ValidationProblem, ProblemHttpResult>> GetMonthlyAsync(
        string? scope, string? month, string? format, HttpContext http, ScopeDirectory directory, IGrainFactory grains, IGridInsights insights,
        TimeProvider time, IOptions<FollowUpOptions> followUp, IOptions<SlaOptions> sla, CancellationToken cancellationToken)
    {
        var caller = Caller.From(http.User);
        if (caller is null || !CanRead(caller.Role))
        {
            return Problems.Forbidden("Monthly reports are for psychology teachers, school leads, district centres, the city bureau and administrators.");
        }

        var now = time.GetUtcNow();
        var (target, period, csv, errors) = Validate(scope, month, format, now);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if (await ScopeAccess.CheckAsync(caller, target, directory) is { } problem)
        {
            return problem;
        }

        var name = (await grains.ForScope(target).GetStatusAsync())?.Name ?? target.Id;
        var report = await MonthlyReportBuilder.BuildAsync(insights, target, name, period, now, followUp.Value, sla.Value, cancellationToken);
        if (!csv)
        {
            return TypedResults.Ok(report);
        }

        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue(DispositionTypeNames.Attachment)
        {
            FileName = MonthlyReportCsv.AsciiFileName(report),
            FileNameStar = MonthlyReportCsv.FileName(report),
        }.ToString();
        return TypedResults.File(MonthlyReportCsv.Write(report), MonthlyReportCsv.ContentType);
    }

    private static (Scope Target, ReportMonth Month, bool Csv, ValidationErrors Errors) Validate(
        string? scope, string? month, string? format, DateTimeOffset now)
    {
        var errors = new ValidationErrors();
        if (!Scope.TryParse(scope, out var target))
        {
            errors.Add("scope", "Required: school:{id} or district:{id}.");
        }
        else if (target.Kind is not (ScopeKind.School or ScopeKind.District))
        {
            errors.Add("scope", "Monthly reports are kept per school or per district: school:{id} or district:{id}.");
        }

        if (!ReportMonth.TryParse(month, out var period))
        {
            errors.Add("month", $"Required: a month as yyyy-MM (e.g. 2026-03), from {ReportMonth.FirstYear}-01.");
        }
        else if (period.Start > now)
        {
            errors.Add("month", $"{period} has not begun yet (Beijing time); the current month is {ReportMonth.Of(now)}.");
        }

        var csv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);
        if (format is not null && !csv && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("format", "json (the default) or csv.");
        }

        return (target!, period, csv, errors);
    }
}
