using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using MonitorGrid.Grains;
using MonitorGrid.Hosting;
using MonitorGrid.Persistence;
using MonitorGrid.Web.Auth;
using MonitorGrid.Web.Infrastructure;

namespace MonitorGrid.Web.Api;

/// <summary>A quick observation from a phone. Enumerations arrive as strings so a bad one is a field error.</summary>
public sealed record ObservationRequest(
    string? StudentId, string? Category, int? Severity, string? Note, DateTimeOffset? ObservedAt, string? IdempotencyKey);

/// <summary>A student in the observation form's picker: who and which class, nothing about their state.</summary>
public sealed record PickableStudent(string StudentId, string Name, string ClassId, string? ClassName);

/// <summary>One of the caller's own submissions.</summary>
public sealed record OwnObservation(
    string ObservationId, string StudentId, string? StudentName, Category Category, int Severity, string? Note,
    DateTimeOffset ObservedAt, DateTimeOffset RecordedAt);

public static class ObservationsApi
{
    public const int MaxNoteLength = 2_000;
    public const int MaxIdempotencyKeyLength = 128;

    /// <summary>The most rows the picker and the list of own submissions answer at once.</summary>
    public const int MaxPage = 200;

    public static RouteGroupBuilder MapObservationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/observations").WithTags("Observations").RequireAuthorization();
        group.MapPost("/", SubmitAsync).WithName("SubmitObservation");
        group.MapGet("/students", FindStudentsAsync).WithName("FindStudentsToObserve");
        group.MapGet("/mine", GetMineAsync).WithName("GetOwnObservations");
        return group;
    }

    /// <summary>
    /// The form's student picker: students in the caller's own scope by name or id prefix. Open to every
    /// role that submits, committee members included, so it answers names and classes only.
    /// </summary>
    private static async Task<Results<Ok<PickableStudent[]>, ValidationProblem, ProblemHttpResult>> FindStudentsAsync(
        string? q, int? limit, HttpContext http, IGridInsights insights, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var caller = Caller.From(http.User);
        if (caller is null || !Permissions.CanSubmit(caller.Role))
        {
            return Problems.Forbidden("This account may not submit observations.");
        }

        var query = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        var errors = new ValidationErrors();
        CheckLimit(limit, errors);

        if (query is { Length: > 64 })
        {
            errors.Add("q", "At most 64 characters.");
        }

        // Nobody lists a city's two million names by scrolling.
        if (query is null && caller.Scope.Kind == ScopeKind.City)
        {
            errors.Add("q", "Required for a city-wide account: type part of a name or an id.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var picks = await insights.FindStudentsAsync(caller.Scope, query, limit ?? 50, cancellationToken);
        // Class names come from the class grains, the authority on them: one call per class in the page, all at once.
        string[] classIds = [.. picks.Select(p => p.ClassId).Distinct(StringComparer.Ordinal)];
        var infos = await Task.WhenAll(classIds.Select(id => grains.Class(id).GetInfoAsync()));
        var classNames = classIds.Zip(infos).ToDictionary(c => c.First, c => c.Second?.Name, StringComparer.Ordinal);

        return TypedResults.Ok<PickableStudent[]>([.. picks.Select(p => new PickableStudent(p.StudentId, p.Name, p.ClassId, classNames[p.ClassId]))]);
    }

    private static async Task<Results<Ok<OwnObservation[]>, ValidationProblem, ProblemHttpResult>> GetMineAsync(
        int? limit, HttpContext http, IGridInsights insights, CancellationToken cancellationToken)
    {
        var caller = Caller.From(http.User);
        if (caller is null)
        {
            return Problems.Forbidden("Sign in to see your submissions.");
        }

        var errors = new ValidationErrors();
        CheckLimit(limit, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var mine = await insights.SubmittedByAsync(caller.UserId, limit ?? 50, cancellationToken);
        return TypedResults.Ok<OwnObservation[]>([.. mine.Select(m => new OwnObservation(
            m.Observation.ObservationId, m.Observation.StudentId, m.StudentName, m.Observation.Category, m.Observation.Severity,
            m.Observation.Note, m.Observation.ObservedAt, m.Observation.RecordedAt))]);
    }

    /// <summary>A page size is 1 to <see cref="MaxPage"/>; absent means the default.</summary>
    private static void CheckLimit(int? limit, ValidationErrors errors)
    {
        if (limit is < 1 or > MaxPage)
        {
            errors.Add("limit", $"Between 1 and {MaxPage}.");
        }
    }

    private static async Task<Results<Created<ObservationReceipt>, Ok<ObservationReceipt>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        ObservationRequest request, HttpContext http, ObservationService observations,
        TimeProvider time, IOptions<GridOptions> options)
    {
        var caller = Caller.From(http.User);
        if (caller is null || !Permissions.CanSubmit(caller.Role))
        {
            return Problems.Forbidden("This account may not submit observations.");
        }

        var errors = new ValidationErrors();
        if (request.StudentId is null)
        {
            errors.Add("studentId", "Required.");
        }
        else if (!Identifiers.IsValid(request.StudentId))
        {
            errors.Add("studentId", "Must be 1-64 characters of A-Z a-z 0-9 . _ -.");
        }

        Category category = default;
        if (request.Category is null)
        {
            errors.Add("category", "Required.");
        }
        else if (!TryParseName(request.Category, out category))
        {
            errors.Add("category", $"Must be one of {string.Join(", ", Enum.GetNames<Category>())}.");
        }

        if (request.Severity is null)
        {
            errors.Add("severity", "Required.");
        }
        else if (request.Severity is < 1 or > 3)
        {
            errors.Add("severity", "Must be 1 (mild), 2 (moderate) or 3 (severe).");
        }

        if (request.Note is { Length: > MaxNoteLength })
        {
            errors.Add("note", $"At most {MaxNoteLength} characters.");
        }

        if (request.ObservedAt is { } observedAt && observedAt > time.GetUtcNow() + options.Value.ClockSkewAllowance)
        {
            errors.Add("observedAt", "May not be in the future.");
        }

        if (request.IdempotencyKey is { } key && (key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(char.IsControl)))
        {
            errors.Add("idempotencyKey", $"1-{MaxIdempotencyKeyLength} printable characters.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var result = await observations.SubmitAsync(
            caller, request.StudentId!, category, request.Severity!.Value, request.Note, request.ObservedAt, request.IdempotencyKey,
            http.Connection.RemoteIpAddress?.ToString());
        return result.Outcome switch
        {
            SubmissionOutcome.UnknownStudent => Problems.NotFound($"No student '{request.StudentId}'."),
            SubmissionOutcome.OutsideScope => Problems.Forbidden($"Student '{request.StudentId}' is outside your scope {caller.Scope}."),
            SubmissionOutcome.Replayed => TypedResults.Ok(result.Receipt),
            _ => TypedResults.Created($"/api/students/{Uri.EscapeDataString(request.StudentId!)}", result.Receipt),
        };
    }

    /// <summary>Exactly one of the enumeration's names; numbers and other spellings are refused.</summary>
    internal static bool TryParseName<TEnum>(string text, out TEnum value) where TEnum : struct, Enum
    {
        value = default;
        return text.Length > 0 && char.IsAsciiLetterUpper(text[0])
            && Enum.GetNames<TEnum>().Contains(text, StringComparer.Ordinal)
            && Enum.TryParse(text, ignoreCase: false, out value);
    }
}
