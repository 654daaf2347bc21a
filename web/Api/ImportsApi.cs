using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using MonitorGrid.Grains;
using MonitorGrid.Web.Audit;
using MonitorGrid.Web.Auth;
using MonitorGrid.Web.Imports;
using MonitorGrid.Web.Imports.Csv;
using MonitorGrid.Web.Infrastructure;

namespace MonitorGrid.Web.Api;

/// <summary>Body of <c>POST /api/imports</c>.</summary>
public sealed record ImportRequest(string? Kind, string? FileName, string? Encoding);

/// <summary>CSV imports of students, staff and screening results (docs/imports.md): additions to the contract.</summary>
public static class ImportsApi
{
    public const int MaxFileNameLength = 200;
    private const int ListLength = 50;

    public static RouteGroupBuilder MapImportsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/imports").WithTags("Imports").RequireAuthorization();
        group.MapPost("/", CreateAsync).WithName("CreateImport");
        group.MapGet("/", ListAsync).WithName("ListImports");
        group.MapGet("/{id}", GetAsync).WithName("GetImport");
        group.MapPut("/{id}/content", UploadAsync).WithName("UploadImportContent")
            .WithDescription("The CSV file as the request body (text/csv or application/octet-stream), applied as it streams in; answers when the file is done.");
        group.MapPost("/{id}/cancel", CancelAsync).WithName("CancelImport");
        group.MapGet("/{id}/errors", GetErrorsAsync).WithName("GetImportErrors")
            .WithDescription("The refused rows: format=csv (the default; UTF-8 with a byte-order mark, columns 行号,列,原因,内容) or json.");
        return group;
    }

    /// <summary>Who may start an import of a kind: rosters and staff are the Admin's, screening also the psychology teacher's.</summary>
    public static bool CanImport(Role role, ImportKind kind) => kind == ImportKind.Screening
        ? role is Role.PsychTeacher or Role.Admin
        : role == Role.Admin;

    /// <summary>
    /// The job as it stands: while it runs, the progress its grain has (the store's is saved only every few
    /// seconds); once ended, or before it starts, what the store holds.
    /// </summary>
    public static ImportJob Latest(ImportJob stored, ImportJob? live) =>
        stored.State == ImportState.Running && live is not null ? live : stored;

    /// <summary>An import is seen by whoever created it, and by any Admin.</summary>
    public static bool CanSee(Caller caller, ImportJob job) => caller.Role == Role.Admin || caller.UserId == job.CreatedBy;

    private static async Task<Results<Created<ImportJob>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        ImportRequest request, HttpContext http, IImportStore store, IAuditTrail audit, TimeProvider time)
    {
        var caller = Caller.From(http.User)!;
        var errors = new ValidationErrors();
        ImportKind kind = default;
        if (request.Kind is null || !ObservationsApi.TryParseName(request.Kind, out kind))
        {
            errors.Add("kind", $"Required: one of {string.Join(", ", Enum.GetNames<ImportKind>())}.");
        }
        else if (!CanImport(caller.Role, kind))
        {
            return Problems.Forbidden(kind == ImportKind.Screening
                ? "Screening results are imported by a psychology teacher or an Admin."
                : "Rosters and staff are imported by an Admin.");
        }

        var fileName = Path.GetFileName((request.FileName ?? "import.csv").Replace('\\', '/')).Trim();
        if (fileName.Length is 0 or > MaxFileNameLength || fileName.Any(char.IsControl))
        {
            errors.Add("fileName", $"1-{MaxFileNameLength} printable characters.");
        }

        // The reader's own list of the encodings it knows, so the two cannot drift apart.
        if (!CsvRecordReader.TryNormalizeEncoding(request.Encoding, out var encoding))
        {
            errors.Add("encoding", "utf-8, gb18030, or absent to detect it.");
        }

        if (errors.Any)
        {
            return errors.ToProblem($"No import was created. {errors.First}");
        }

        var job = new ImportJob(Guid.NewGuid().ToString("N"), kind, fileName, ImportState.Waiting, caller.UserId, time.GetUtcNow())
        {
            CreatedByScope = caller.Scope.ToString(),
            Encoding = encoding,
        };
        await store.CreateAsync(job, http.RequestAborted);
        await audit.RecordAsync(new AuditEntry(
            time.GetUtcNow(), caller.UserId, caller.Role, "CreateImport", $"import:{job.ImportId} kind={kind} file={fileName}",
            http.Connection.RemoteIpAddress?.ToString()));
        return TypedResults.Created($"/api/imports/{job.ImportId}", job);
    }

    private static async Task<Ok<ImportJob[]>> ListAsync(HttpContext http, IImportStore store)
    {
        var caller = Caller.From(http.User)!;
        var jobs = await store.ListAsync(caller.Role == Role.Admin ? null : caller.UserId, ListLength, http.RequestAborted);
        return TypedResults.Ok(jobs.ToArray());
    }

    private static async Task<Results<Ok<ImportJob>, ProblemHttpResult>> GetAsync(string id, HttpContext http, IImportStore store, IGrainFactory grains)
    {
        if (await FindAsync(id, http, store) is not { } job)
        {
            return NotFound(id);
        }

        return TypedResults.Ok(job.State == ImportState.Running ? Latest(job, await grains.Import(id).GetAsync()) : job);
    }

    private static async Task<Results<Ok<ImportJob>, ValidationProblem, ProblemHttpResult>> UploadAsync(
        string id, HttpContext http, IImportStore store, ImportRunner runner, IAuditTrail audit, TimeProvider time, IOptions<ImportOptions> options)
    {
        var caller = Caller.From(http.User)!;
        if (await FindAsync(id, http, store) is not { } job)
        {
            return NotFound(id);
        }

        if (job.CreatedBy != caller.UserId)
        {
            return Problems.Forbidden("Only the import's creator sends its file.");
        }

        var max = options.Value.MaxFileBytes;
        if (http.Request.ContentLength > max)
        {
            return TypedResults.Problem(
                detail: $"The file is larger than the {max:N0} bytes an import accepts.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        if (!await runner.TryStartAsync(job, http.Request.ContentLength, out var running))
        {
            return Problems.Conflict($"Import '{id}' is {job.State} and takes no file: create a new import.");
        }

        // Once started, the import is finished here even if the request is aborted: its final state must be saved.
        var run = await runner.RunAsync(running, http.Request.Body, caller, http.RequestAborted);
        var done = run.Job;
        await audit.RecordAsync(new AuditEntry(
            time.GetUtcNow(), caller.UserId, caller.Role, $"Import{done.Kind}",
            $"import:{done.ImportId} file={done.FileName} state={done.State} applied={done.RowsApplied} unchanged={done.RowsUnchanged} failed={done.RowsFailed}",
            http.Connection.RemoteIpAddress?.ToString()));
        if (run.HeaderProblems.Count > 0)
        {
            var errors = new ValidationErrors();
            foreach (var problem in run.HeaderProblems)
            {
                errors.Add(problem.Column, problem.Reason);
            }

            return errors.ToProblem(done.Message);
        }

        return TypedResults.Ok(done);
    }

    private static async Task<Results<Accepted<ImportJob>, ProblemHttpResult>> CancelAsync(
        string id, HttpContext http, IImportStore store, IGrainFactory grains, IAuditTrail audit, TimeProvider time)
    {
        var caller = Caller.From(http.User)!;
        if (await FindAsync(id, http, store) is not { } job)
        {
            return NotFound(id);
        }

        if (job.IsFinished)
        {
            return Problems.Conflict($"Import '{id}' has ended ({job.State}).");
        }

        var cancelled = job with { CancelRequested = true };
        if (job.State == ImportState.Waiting)
        {
            // No file yet: nothing runs, so the job ends here (a file sent later is refused).
            var ended = job with { State = ImportState.Cancelled, FinishedAt = time.GetUtcNow(), CancelRequested = true, Message = "已取消。" };
            if (await store.TryLeaveWaitingAsync(ended, http.RequestAborted))
            {
                cancelled = ended;
            }
        }

        await grains.Import(id).CancelAsync();
        await audit.RecordAsync(new AuditEntry(
            time.GetUtcNow(), caller.UserId, caller.Role, "CancelImport", $"import:{id}", http.Connection.RemoteIpAddress?.ToString()));
        return TypedResults.Accepted($"/api/imports/{id}", cancelled);
    }

    private static async Task<Results<PushStreamHttpResult, Ok<RowError[]>, ValidationProblem, ProblemHttpResult>> GetErrorsAsync(
        string id, string? format, HttpContext http, IImportStore store)
    {
        if (await FindAsync(id, http, store) is not { } job)
        {
            return NotFound(id);
        }

        var json = string.Equals(format, "json", StringComparison.OrdinalIgnoreCase);
        if (format is not null && !json && !string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase))
        {
            var errors = new ValidationErrors();
            errors.Add("format", "csv (the default) or json.");
            return errors.ToProblem();
        }

        if (json)
        {
            var rows = new List<RowError>();
            await foreach (var error in store.ReadErrorsAsync(id, http.RequestAborted))
            {
                rows.Add(error);
            }

            return TypedResults.Ok(rows.ToArray());
        }

        // Streamed, so that a report of many thousand rows is never held whole.
        var name = Path.GetFileNameWithoutExtension(job.FileName) + "-errors.csv";
        return TypedResults.Stream(
            async output =>
            {
                await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: -1, leaveOpen: true);
                CsvText.WriteRow(writer, ["行号", "列", "原因", "内容"]);
                await foreach (var error in store.ReadErrorsAsync(id, http.RequestAborted))
                {
                    CsvText.WriteRow(writer, [error.Row.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Column, error.Reason, error.Value]);
                }
            },
            "text/csv; charset=utf-8",
            name);
    }

    private static async Task<ImportJob?> FindAsync(string id, HttpContext http, IImportStore store)
    {
        var caller = Caller.From(http.User)!;
        return Identifiers.IsValid(id) && await store.GetAsync(id, http.RequestAborted) is { } job && CanSee(caller, job) ? job : null;
    }

    private static ProblemHttpResult NotFound(string id) => Problems.NotFound($"No import '{id}' that you may see.");
}
