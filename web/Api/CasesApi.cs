using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using MonitorGrid.Grains;
using MonitorGrid.Hosting;
using MonitorGrid.Persistence;
using MonitorGrid.Web.Audit;
using MonitorGrid.Web.Auth;
using MonitorGrid.Web.Infrastructure;

namespace MonitorGrid.Web.Api;

/// <summary>
/// Body of <c>POST /api/students/{id}/case-entries</c>. Which fields a kind needs: a plan its goals, owner
/// and next contact; a talk its summary in <paramref name="Note"/>; a referral its state; a closing its
/// reason in <paramref name="Note"/>.
/// </summary>
public sealed record CaseEntryRequest(
    string? Kind,
    DateTimeOffset? OccurredAt,
    string? Note,
    string? Goals,
    string? Owner,
    DateOnly? NextContactOn,
    string? Referral,
    string? Hospital);

/// <summary>A recorded case entry and the case after it.</summary>
public sealed record CaseEntryResponse(CaseSummary? Case, CaseRecord Record);

/// <summary>One row of the follow-up board: a case and whether its follow-up is overdue now.</summary>
public sealed record FollowUpRow(CaseSummary Case, bool Overdue);

/// <summary>The follow-up board of a scope: every open case, overdue first, then by when the follow-up falls due.</summary>
public sealed record FollowUpBoard(string Scope, DateTimeOffset At, int Overdue, FollowUpRow[] Cases);

/// <summary>The mentoring list of a scope: every vulnerable-group student, overdue first.</summary>
public sealed record MentoringList(string Scope, DateTimeOffset At, int Overdue, MentoringRow[] Students);

/// <summary>
/// Case management (一生一策, 谈心谈话, 转介, 休学/复学, 结案) and the follow-up reads: additions to the contract.
/// </summary>
public static class CasesApi
{
    public const int MaxHospitalLength = 200;

    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder routes)
    {
        var students = routes.MapGroup("/api/students").WithTags("Cases").RequireAuthorization();
        students.MapPost("/{id}/case-entries", RecordAsync).WithName("RecordCaseEntry");
        var scopes = routes.MapGroup("/api/scopes").WithTags("Cases").RequireAuthorization();
        scopes.MapGet("/{scope}/follow-ups", GetFollowUpsAsync).WithName("GetFollowUpBoard");
        scopes.MapGet("/{scope}/mentoring", GetMentoringAsync).WithName("GetMentoringList");
        return routes;
    }

    /// <summary>Talks are held by mentors, head teachers and psychology teachers; the rest of a case is the support team's.</summary>
    public static bool CanRecord(Role role, CaseEntryKind kind) => kind == CaseEntryKind.Talk
        ? role is Role.Mentor or Role.HeadTeacher or Role.PsychTeacher
        : role is Role.PsychTeacher or Role.SchoolLead or Role.DistrictCenter;

    private static async Task<Results<Created<CaseEntryResponse>, ValidationProblem, ProblemHttpResult>> RecordAsync(
        string id, CaseEntryRequest? request, HttpContext http, IGrainFactory grains, IAuditTrail audit, TimeProvider time,
        IOptions<GridOptions> options)
    {
        var caller = Caller.From(http.User);
        if (!Identifiers.IsValid(id))
        {
            return Problems.BadRequest("A student id is 1-64 characters of A-Z a-z 0-9 . _ -.");
        }

        // Who may record this kind is known from the kind alone: refuse before judging the rest of the body.
        if (request?.Kind is { } named && ObservationsApi.TryParseName(named, out CaseEntryKind asked)
            && (caller is null || !CanRecord(caller.Role, asked)))
        {
            return Problems.Forbidden($"The role {caller?.Role.ToString() ?? "(none)"} may not record a {asked} entry.");
        }

        var now = time.GetUtcNow();
        var (entry, errors) = Validate(request, now, options.Value.ClockSkewAllowance);
        if (entry is null || caller is null)
        {
            return errors.ToProblem();
        }

        var student = grains.Student(id);
        var profile = await student.GetProfileAsync();
        if (profile is null)
        {
            return Problems.NotFound($"No student '{id}'.");
        }

        if (!profile.Lineage.IsWithin(caller.Scope))
        {
            return Problems.Forbidden($"Student '{id}' is outside your scope {caller.Scope}.");
        }

        var result = await student.RecordCaseEntryAsync(entry, caller.Actor);
        switch (result.Outcome)
        {
            case CaseActionOutcome.UnknownStudent:
                return Problems.NotFound($"No student '{id}'.");
            case CaseActionOutcome.NoOpenCase:
                return Problems.Conflict($"Student '{id}' has no open case: a {entry.Kind} entry needs one (a case opens when the student reaches Orange or Red).");
            case CaseActionOutcome.AlertStillOpen:
                return Problems.Conflict($"Student '{id}' still has an open Orange or Red alert: resolve it before closing the case.");
        }

        await audit.RecordAsync(new AuditEntry(
            now, caller.UserId, caller.Role, $"Case{entry.Kind}", $"student:{id}", http.Connection.RemoteIpAddress?.ToString()));
        return TypedResults.Created($"/api/students/{id}", new CaseEntryResponse(result.Case, result.Record!));
    }

    private static (CaseEntry? Entry, ValidationErrors Errors) Validate(CaseEntryRequest? request, DateTimeOffset now, TimeSpan skew)
    {
        var errors = new ValidationErrors();
        if (request is null)
        {
            errors.Add("body", "A JSON body is required.");
            return (null, errors);
        }

        if (request.Kind is null || !ObservationsApi.TryParseName(request.Kind, out CaseEntryKind kind))
        {
            errors.Add("kind", $"Required: one of {string.Join(", ", Enum.GetNames<CaseEntryKind>())}.");
            return (null, errors);
        }

        var occurredAt = request.OccurredAt ?? now;
        if (occurredAt > now + skew)
        {
            errors.Add("occurredAt", "May not be in the future.");
        }

        CheckLength(errors, "note", request.Note, ObservationsApi.MaxNoteLength);
        CheckLength(errors, "goals", request.Goals, ObservationsApi.MaxNoteLength);
        CheckLength(errors, "hospital", request.Hospital, MaxHospitalLength);
        if (request.Owner is not null && !Identifiers.IsValid(request.Owner))
        {
            errors.Add("owner", "A staff id: 1-64 characters of A-Z a-z 0-9 . _ -.");
        }

        ReferralState? referral = null;
        if (request.Referral is not null)
        {
            if (ObservationsApi.TryParseName(request.Referral, out ReferralState state))
            {
                referral = state;
            }
            else
            {
                errors.Add("referral", $"One of {string.Join(", ", Enum.GetNames<ReferralState>())}.");
            }
        }

        switch (kind)
        {
            case CaseEntryKind.Plan:
                Require(errors, "goals", request.Goals, "A plan states its goals.");
                Require(errors, "owner", request.Owner, "A plan names the staff member responsible.");
                if (request.NextContactOn is null)
                {
                    errors.Add("nextContactOn", "A plan sets the next contact date (yyyy-MM-dd).");
                }

                break;
            case CaseEntryKind.Talk:
                Require(errors, "note", request.Note, "A talk record says what was talked about.");
                break;
            case CaseEntryKind.Referral when request.Referral is null:
                errors.Add("referral", $"Required: one of {string.Join(", ", Enum.GetNames<ReferralState>())}.");
                break;
            case CaseEntryKind.Close:
                Require(errors, "note", request.Note, "A case is closed with a reason.");
                break;
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new CaseEntry(kind, occurredAt, Blank(request.Note))
        {
            Goals = Blank(request.Goals),
            Owner = request.Owner,
            NextContactOn = request.NextContactOn,
            Referral = kind == CaseEntryKind.Referral ? referral : null,
            Hospital = Blank(request.Hospital),
        }, errors);
    }

    private static async Task<Results<Ok<FollowUpBoard>, ProblemHttpResult>> GetFollowUpsAsync(
        string scope, HttpContext http, ScopeDirectory directory, ICaseInsights cases, TimeProvider time, CancellationToken cancellationToken)
    {
        var (target, problem) = await ReadableWithIdentitiesAsync(scope, http, directory);
        if (problem is not null)
        {
            return problem;
        }

        var now = time.GetUtcNow();
        FollowUpRow[] rows = [.. (await cases.OpenCasesAsync(target!, cancellationToken))
            .Select(c => new FollowUpRow(c, c.OverdueAt(now)))
            .OrderByDescending(r => r.Overdue)
            .ThenBy(r => r.Case.FollowUpDueAt)
            .ThenBy(r => r.Case.StudentId, StringComparer.Ordinal)];
        return TypedResults.Ok(new FollowUpBoard(target!.ToString(), now, rows.Count(r => r.Overdue), rows));
    }

    private static async Task<Results<Ok<MentoringList>, ProblemHttpResult>> GetMentoringAsync(
        string scope, HttpContext http, ScopeDirectory directory, ICaseInsights cases, TimeProvider time,
        IOptions<FollowUpOptions> followUp, CancellationToken cancellationToken)
    {
        var (target, problem) = await ReadableWithIdentitiesAsync(scope, http, directory);
        if (problem is not null)
        {
            return problem;
        }

        var now = time.GetUtcNow();
        var every = followUp.Value.MentoringEvery;
        MentoringRow[] rows = [.. (await cases.MentoredStudentsAsync(target!, cancellationToken))
            .Select(m =>
            {
                var due = m.LastTalkAt + every;
                return new MentoringRow(m.Profile.StudentId, m.Profile.Name, m.Profile.ClassId, m.Profile.FocusGroups,
                    m.Profile.MentorId, m.LastTalkAt, due, due is not { } d || now >= d);
            })
            .OrderByDescending(r => r.Overdue)
            .ThenBy(r => r.ClassId, StringComparer.Ordinal)
            .ThenBy(r => r.StudentId, StringComparer.Ordinal)];
        return TypedResults.Ok(new MentoringList(target!.ToString(), now, rows.Count(r => r.Overdue), rows));
    }

    /// <summary>Board access, plus: these lists name students, so not for the city bureau, and not for the whole city at once.</summary>
    private static async Task<(Scope? Target, ProblemHttpResult? Problem)> ReadableWithIdentitiesAsync(
        string scope, HttpContext http, ScopeDirectory directory)
    {
        var caller = Caller.From(http.User);
        var (target, problem) = await ScopeAccess.ReadableAsync(scope, caller, directory);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (!Permissions.SeesIdentities(caller!.Role))
        {
            return (null, Problems.Forbidden("This role sees aggregates only; follow-up lists name students."));
        }

        return target!.Kind is ScopeKind.District or ScopeKind.School or ScopeKind.Class
            ? (target, null)
            : (null, Problems.BadRequest("Follow-up lists are kept per district, school or class."));
    }

    private static void CheckLength(ValidationErrors errors, string field, string? value, int max)
    {
        if (value is { Length: var length } && length > max)
        {
            errors.Add(field, $"At most {max} characters.");
        }
    }

    private static void Require(ValidationErrors errors, string field, string? value, string message)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, message);
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
