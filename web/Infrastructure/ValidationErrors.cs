using Microsoft.AspNetCore.Http.HttpResults;

namespace MonitorGrid.Web.Infrastructure;

/// <summary>Collects field → messages for a 400 with an <c>errors</c> map.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public int Count => _errors.Count;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    /// <summary>Every field with its messages, in the order first added.</summary>
    public IEnumerable<(string Field, IReadOnlyList<string> Messages)> Entries => _errors.Select(e => (e.Key, (IReadOnlyList<string>)e.Value));

    /// <summary>The first field with an error and its first message, for a one-line detail.</summary>
    public string First => _errors.Count == 0 ? string.Empty : $"{_errors.First().Key}: {_errors.First().Value[0]}";

    public ValidationProblem ToProblem(string? detail = null) => TypedResults.ValidationProblem(
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal),
        detail: detail ?? $"The request is not valid. {First}",
        title: "Validation failed");
}

/// <summary>Shorthands for the problem responses the API gives.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");
}
