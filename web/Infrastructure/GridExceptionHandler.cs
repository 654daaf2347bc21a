using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace MonitorGrid.Web.Infrastructure;

/// <summary>
/// Turns what escapes an endpoint into problem details: unreadable bodies into 400s naming the field,
/// an unavailable cluster into 503 with Retry-After, anything else into a logged 500.
/// </summary>
public sealed partial class GridExceptionHandler(IProblemDetailsService problems, ILogger<GridExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        switch (exception)
        {
            case BadHttpRequestException bad:
                var json = FindJsonException(bad);
                problem = json?.Path is { Length: > 0 } path && path != "$"
                    ? new HttpValidationProblemDetails(new Dictionary<string, string[]>
                    {
                        [FieldName(path)] = ["The value is not valid here."],
                    })
                    {
                        Detail = $"The request body could not be read at {FieldName(path)}.",
                    }
                    : new ProblemDetails
                    {
                        Detail = json is not null ? "The request body is not valid JSON." : bad.Message,
                    };
                problem.Status = bad.StatusCode;
                problem.Title = bad.StatusCode == StatusCodes.Status400BadRequest ? "Malformed request" : null;
                break;
            case var unavailable when IsUnavailable(unavailable):
                LogUnavailable(logger, exception);
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Temporarily unavailable",
                    Detail = "The grid could not make this durable right now. Nothing was kept; retry with the same idempotency key.",
                };
                context.Response.Headers.RetryAfter = "2";
                break;
            default:
                LogUnhandled(logger, exception);
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Title = "Internal error",
                    Detail = "The request failed on the server.",
                };
                break;
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>The cluster or the database is out of reach: nothing was kept, and a retry may succeed.</summary>
    private static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException or OrleansException or MonitorGrid.Persistence.JournalUnavailableException or System.Data.Common.DbException)
            {
                return true;
            }
        }

        return false;
    }

    private static JsonException? FindJsonException(Exception exception)
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is JsonException json)
            {
                return json;
            }
        }

        return null;
    }

    /// <summary><c>$.students[3].classId</c> → <c>students[3].classId</c>.</summary>
    private static string FieldName(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "The cluster did not answer in time")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Unhandled exception")]
    private static partial void LogUnhandled(ILogger logger, Exception exception);
}
