using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MonitorGrid.Importer;

/// <summary>One run of the importer once its arguments are known: the flow of docs/imports.md and Ctrl+C.</summary>
internal sealed class ImportRun(ImportOptions options, string password, ImporterEnvironment environment, TextWriter output, TextWriter error)
{
    private const int RowErrorsShown = 5;

    // After an upload broke without a cancel, how long the hub or polling may take to bring the final state.
    private static readonly TimeSpan BrokenUploadWait = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private CancellationTokenSource? _abort;
    private Started? _started;
    private Task _cancelling = Task.CompletedTask;
    private int _interrupts;

    private bool CancelRequested => Volatile.Read(ref _interrupts) > 0;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lock (_gate)
        {
            _abort = abort;
        }

        var clock = Stopwatch.StartNew();
        using var http = CreateHttpClient();
        var api = new GridApi(http);
        try
        {
            using var interrupts = environment.Interrupts.Subscribe(OnInterrupt);
            var accessToken = await api.SignInAsync(options.UserId, password, abort.Token);
            var fileName = Path.GetFileName(options.FilePath);
            var created = await api.CreateAsync(options.Kind, fileName, options.Encoding, abort.Token);
            error.WriteLine($"已创建导入 {created.ImportId}，上传 {fileName}（{Size(new FileInfo(options.FilePath).Length)}）");

            var tracker = new JobTracker(created, environment.OnJobUpdate);
            ImportJob final;
            await using (var display = new ProgressDisplay(tracker, error, environment.ErrorIsInteractive))
            {
                lock (_gate)
                {
                    _started = new Started(api, created.ImportId, tracker, display);
                }

                await using var watcher = await JobWatcher.StartAsync(http.BaseAddress!, accessToken, created.ImportId, api, tracker, display, abort.Token);
                final = await UploadAsync(api, created.ImportId, tracker, watcher, display, abort.Token);
                await display.FinishAsync(final);
            }

            output.Write(SummaryText.Format(final, clock.Elapsed));
            if (final.RowsFailed > 0)
            {
                await ReportRowErrorsAsync(api, final, abort.Token);
            }

            output.Flush();
            return ExitCodes.For(final);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            var importId = _started?.ImportId;
            error.WriteLine(importId is null
                ? "已中止（aborted）。"
                : $"已中止，未等待服务器确认（aborted）。导入 {importId} 的最终状态可用 GET /api/imports/{importId} 查看。");
            return ExitCodes.Cancelled;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine($"服务器长时间没有回答：{options.Url}（no answer from the server）");
            return ExitCodes.Failed;
        }
        catch (GridRequestException e)
        {
            error.WriteLine(e.Message);
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is HttpRequestException or HttpIOException)
        {
            error.WriteLine($"与服务器 {options.Url} 的连接失败：{e.Message}（connection failed）");
            return ExitCodes.Failed;
        }
        catch (JsonException e)
        {
            error.WriteLine($"服务器的回答无法识别：{e.Message}（unexpected answer）");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is (IOException and not HttpIOException) or UnauthorizedAccessException)
        {
            // The file was readable at the start; it can still be moved or locked while the import runs.
            error.WriteLine($"读取文件 {options.FilePath} 失败：{e.Message}（cannot read the file）");
            return ExitCodes.Failed;
        }
        finally
        {
            Task cancelling;
            lock (_gate)
            {
                (_started, _abort, cancelling) = (null, null, _cancelling);
            }

            // The cancel request catches its own failures; wait for it so that nothing writes after the run.
            await cancelling;
        }
    }

    /// <summary>Ctrl+C: the first asks the server to cancel and keeps following the job; the next stops waiting.</summary>
    private void OnInterrupt()
    {
        lock (_gate)
        {
            if (Interlocked.Increment(ref _interrupts) == 1 && _started is { } started && !started.Tracker.Finished.IsCompleted && _abort is { } abort)
            {
                started.Display.WriteLine("正在取消导入，等待服务器确认……再按一次 Ctrl+C 立即退出（cancelling; Ctrl+C again to quit now）");
                _cancelling = CancelOnServerAsync(started, abort.Token);
                return;
            }

            // Before the job exists there is nothing to cancel on the server; afterwards this is the second Ctrl+C.
            _abort?.Cancel();
        }
    }

    private static async Task CancelOnServerAsync(Started started, CancellationToken cancellationToken)
    {
        // Off the Ctrl+C handler's thread: the request must not hold up the handler (nor its lock).
        await Task.Yield();
        try
        {
            started.Tracker.Update(await started.Api.CancelAsync(started.ImportId, cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Aborted, or no answer: the job's final state still comes from the upload, the hub or polling.
        }
        catch (Exception e) when (e is GridRequestException or HttpRequestException or HttpIOException or JsonException)
        {
            started.Display.WriteLine($"取消请求失败：{e.Message}");
        }
    }

    private async Task<ImportJob> UploadAsync(
        GridApi api, string importId, JobTracker tracker, JobWatcher watcher, ProgressDisplay display, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await api.UploadAsync(importId, options.FilePath, cancellationToken);
            tracker.Update(answer);
            if (!answer.IsFinished)
            {
                // The contract answers with the final state; should it not, ask until it is.
                watcher.EnsurePolling();
            }
        }
        catch (Exception e) when ((e is HttpRequestException or HttpIOException) && !cancellationToken.IsCancellationRequested)
        {
            // When cancelled, the server may stop reading the body and close the connection under the upload; the
            // final state then comes over the hub or by polling. Otherwise the job may yet say what happened.
            watcher.EnsurePolling();
            if (!CancelRequested)
            {
                display.WriteLine($"上传中断：{e.Message}，等待导入的最终状态……");
                if (await Task.WhenAny(tracker.Finished, Task.Delay(BrokenUploadWait, cancellationToken)) != tracker.Finished)
                {
                    throw;
                }
            }
        }

        return await tracker.Finished.WaitAsync(cancellationToken);
    }

    /// <summary>Shows the first row errors and saves them all; failing here does not change the outcome.</summary>
    private async Task ReportRowErrorsAsync(GridApi api, ImportJob job, CancellationToken cancellationToken)
    {
        try
        {
            var first = new List<RowError>();
            await foreach (var rowError in api.FirstErrorsAsync(job.ImportId, RowErrorsShown, cancellationToken))
            {
                first.Add(rowError);
            }

            if (first.Count > 0)
            {
                output.WriteLine(first.Count < job.RowsFailed ? $"前 {first.Count} 个错误：" : "错误：");
                foreach (var rowError in first)
                {
                    output.WriteLine("  " + SummaryText.RowErrorLine(rowError));
                }
            }
        }
        catch (Exception e) when (e is GridRequestException or HttpRequestException or HttpIOException or JsonException or OperationCanceledException)
        {
            error.WriteLine($"未能读取错误明细：{e.Message}");
        }

        var path = Path.GetFullPath(options.ErrorsFile);
        try
        {
            await api.SaveErrorsAsync(job.ImportId, path, cancellationToken);
            output.WriteLine($"错误明细（{ProgressLine.Number(job.RowsFailed)} 行）已保存到：{path}");
        }
        catch (Exception e) when (e is GridRequestException or HttpRequestException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            error.WriteLine($"错误明细未能保存到 {path}：{e.Message}");
        }
    }

    private HttpClient CreateHttpClient()
    {
        var handler = environment.CreateHttpHandler?.Invoke() ?? new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15) };

        // Relative paths below keep a base path (a grid behind a reverse proxy at /grid/) only with a final slash.
        var baseAddress = options.Url.AbsoluteUri.EndsWith('/') ? options.Url : new Uri(options.Url.AbsoluteUri + "/");
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => FormattableString.Invariant($"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1073741824.0:F2} GB"),
    };

    /// <summary>What a Ctrl+C needs once the job exists.</summary>
    private sealed record Started(GridApi Api, string ImportId, JobTracker Tracker, ProgressDisplay Display);
}
