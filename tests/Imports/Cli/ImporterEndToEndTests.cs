using System.Globalization;
using System.Text;
using MonitorGrid.Importer;

// The importer's own wire type under a name of its own: the server's (likely MonitorGrid.ImportJob) would
// otherwise shadow it inside this namespace.
using CliJob = MonitorGrid.Importer.ImportJob;

namespace MonitorGrid.Tests.Imports.Cli;

/// <summary>
/// The importer in process against the real web host over HTTP and the hub, as docs/imports.md describes the
/// server. A host of its own: importing screening results changes students' archives and tiers, which tests
/// in the shared <c>web</c> collection count. These need the import endpoints (<c>Needs=ImportServer</c>).
/// </summary>
[Trait("Needs", "ImportServer")]
public sealed class The_importer_imports_through_the_real_grid(GridWebFactory web) : IClassFixture<GridWebFactory>, IDisposable
{
    private const string ScreeningHeader = "学号,量表,测评日期,第1题,第2题,第3题,第4题,第5题,第6题,第7题,第8题,第9题";
    private static readonly TimeSpan LongestRun = TimeSpan.FromMinutes(3);

    private readonly string _folder = Directory.CreateTempSubdirectory("monitorgrid-importer-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_screening_file_with_a_bad_item_completes_with_exit_code_1_and_its_row_in_the_errors_file()
    {
        // Ten days back: dates in the future are refused, and the cancellation below uses days further back.
        var takenOn = Day(10);
        var file = Path.Combine(_folder, "screening-march.csv");
        await File.WriteAllTextAsync(file, string.Join('\n',
            ScreeningHeader,
            $"S000001,PHQ-9,{takenOn},0,1,0,1,0,0,1,0,0",
            $"S000002,GAD-7,{takenOn},1,0,1,0,0,1,0,,",
            $"S000003,PHQ-9,{takenOn},0,1,7,0,0,0,0,0,0",
            $"S000011,PHQ-9,{takenOn},1,1,1,0,0,0,0,0,0",
            $"S000012,GAD-7,{takenOn},0,0,0,0,1,0,0,,") + "\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

        // jinshui-01's psychology teacher: S000001-S000020 are that school's in the tests' small city.
        var run = await RunAsync("psy-jinshui-01", file);

        Assert.True(run.ExitCode == ExitCodes.CompletedWithRowErrors, run.Describe());
        Assert.Contains("  状态：已完成（Completed）", run.Out, StringComparison.Ordinal);
        Assert.Contains("  已应用：4 行", run.Out, StringComparison.Ordinal);
        Assert.Contains("  未变化：0 行", run.Out, StringComparison.Ordinal);
        Assert.Contains("  失败：1 行", run.Out, StringComparison.Ordinal);
        Assert.Contains("第 4 行 · 第3题", run.Out, StringComparison.Ordinal);

        var errorsFile = Path.Combine(_folder, "screening-march-errors.csv");
        Assert.Contains(errorsFile, run.Out, StringComparison.Ordinal);
        var bytes = await File.ReadAllBytesAsync(errorsFile);
        Assert.Equal("EF-BB-BF", BitConverter.ToString(bytes, 0, 3));
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("行号,列,原因,内容", lines[0]);
        var row = Assert.Single(lines[1..]);
        Assert.StartsWith("4,第3题,", row, StringComparison.Ordinal);
        Assert.EndsWith(",7", row, StringComparison.Ordinal);

        var job = await JobAsync("psy-jinshui-01", run.ImportId);
        Assert.Equal(
            ("Completed", 4, 0, 1),
            (job.GetProperty("state").GetString(), job.GetProperty("rowsApplied").GetInt64(), job.GetProperty("rowsUnchanged").GetInt64(), job.GetProperty("rowsFailed").GetInt64()));
    }

    [Fact]
    public async Task Ctrl_C_once_rows_are_done_cancels_the_import_with_exit_code_2()
    {
        const int rows = 200_000;
        var file = Path.Combine(_folder, "screening-large.csv");
        await WriteLargeScreeningFileAsync(file, rows);
        var interrupts = new InterruptSource();
        var interrupted = 0;

        // As someone watching the progress would: Ctrl+C once the first rows are done.
        var run = await RunAsync("admin", file, interrupts, job =>
        {
            if (job.RowsDone > 0 && Interlocked.Exchange(ref interrupted, 1) == 0)
            {
                interrupts.Interrupt();
            }
        });

        Assert.Equal(1, interrupted);
        Assert.True(run.ExitCode == ExitCodes.Cancelled, run.Describe());
        Assert.Contains("  状态：已取消（Cancelled）", run.Out, StringComparison.Ordinal);
        var job = await JobAsync("admin", run.ImportId);
        Assert.Equal("Cancelled", job.GetProperty("state").GetString());
        var done = job.GetProperty("rowsApplied").GetInt64() + job.GetProperty("rowsUnchanged").GetInt64() + job.GetProperty("rowsFailed").GetInt64();
        Assert.InRange(done, 1, rows - 1);
    }

    private async Task<ImporterRun> RunAsync(string userId, string file, InterruptSource? interrupts = null, Action<CliJob>? onJob = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string? importId = null;
        var environment = new ImporterEnvironment
        {
            Out = output,
            Error = error,
            GetVariable = _ => null,
            Interrupts = interrupts ?? new InterruptSource(),
            OnJobUpdate = job =>
            {
                importId = job.ImportId;
                onJob?.Invoke(job);
            },
        };
        string[] args = ["screening", file, "--url", web.BaseAddress.ToString(), "--user", userId, "--password", "demo"];

        var exitCode = await ImporterApp.RunAsync(args, environment, CancellationToken.None).WaitAsync(LongestRun);

        var run = new ImporterRun(exitCode, output.ToString(), error.ToString(), importId ?? string.Empty);
        Assert.True(importId is not null, run.Describe());
        return run;
    }

    private async Task<JsonElement> JobAsync(string userId, string importId)
    {
        using var client = await web.ClientForAsync(userId);
        return await client.GetFromJsonAsync<JsonElement>($"/api/imports/{Uri.EscapeDataString(importId)}");
    }

    /// <summary>
    /// PHQ-9 and GAD-7 answered all 0 (no alert, no tier change) by every student of the small city on days from
    /// 100 days back, so that every row is a key of its own and none meets the file above.
    /// </summary>
    private static async Task WriteLargeScreeningFileAsync(string path, int rows)
    {
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        await writer.WriteLineAsync(ScreeningHeader);
        const int students = 80;
        for (var i = 0; i < rows; i++)
        {
            var student = $"S{i % students + 1:000000}";
            var day = Day(100 + i / (students * 2));
            await writer.WriteLineAsync(i / students % 2 == 0
                ? $"{student},PHQ-9,{day},0,0,0,0,0,0,0,0,0"
                : $"{student},GAD-7,{day},0,0,0,0,0,0,0,,");
        }
    }

    private static string Day(int daysBack) =>
        DateTime.UtcNow.Date.AddDays(-daysBack).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed record ImporterRun(int ExitCode, string Out, string Error, string ImportId)
    {
        public string Describe() => $"exit code {ExitCode}{Environment.NewLine}stdout:{Environment.NewLine}{Out}{Environment.NewLine}stderr:{Environment.NewLine}{Error}";
    }
}
