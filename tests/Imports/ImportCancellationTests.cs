using System.Net.Http.Headers;
using MonitorGrid.Web.Imports;
using static MonitorGrid.Tests.Api.ApiTestSupport;
using static MonitorGrid.Tests.Imports.ImportTestSupport;

namespace MonitorGrid.Tests.Imports;

/// <summary>
/// Cancelling a screening import while its file streams in: the rows applied before the stop stay applied
/// whole, nothing after it is applied, and importing the same file again finishes the job without a
/// result twice. Own roster (<c>ic-</c>): 600 students in 12 classes of one school.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class ImportCancellationTests(GridWebFactory web)
{
    private const int Students = 600;

    [Fact]
    public async Task Cancelling_mid_file_keeps_what_was_applied_and_importing_the_file_again_applies_exactly_the_rest()
    {
        await web.PutRosterAsync(Roster(
            districts: [District("ic-d")],
            schools: [School("ic-h", "ic-d")],
            classes: [.. Enumerable.Range(1, 12).Select(c => Class($"ic-c{c}", "ic-h"))],
            students: [.. Enumerable.Range(1, Students).Select(i => Student($"ic-s{i}", $"ic-c{1 + (i % 12)}"))],
            staff: [Staff("ic-psy", "PsychTeacher", "school:ic-h")]));
        using var psych = await web.ClientForAsync("ic-psy", StaffPassword);
        var lines = new List<string> { "学号,量表,测评日期,第1题,第2题,第3题,第4题,第5题,第6题,第7题,第8题,第9题" };
        for (var i = 1; i <= Students; i++)
        {
            lines.Add($"ic-s{i},PHQ-9,2026-09-15,{i % 4},1,0,0,0,0,0,0,0");
            lines.Add($"ic-s{i},GAD-7,2026-09-15,{i % 3},{i % 4},0,0,0,0,0,,");
        }

        var file = Utf8(CsvLines([.. lines]), bom: true);
        var job = await psych.CreateImportAsync("Screening");
        var id = job.Text("importId");
        var gated = new GatedContent(file, cutAt: file.Length / 3);

        // A plain client: the test host's own buffers a request's content before sending it, gate and all.
        using var streaming = new HttpClient { BaseAddress = web.BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        streaming.DefaultRequestHeaders.Authorization = new("Bearer", await web.TokenForAsync("ic-psy", StaffPassword));
        var upload = streaming.UploadAsync(id, gated);
        await Eventually.HoldsAsync(
            async () => (await psych.GetFromJsonAsync<JsonElement>($"/api/imports/{id}")).Long("rowsApplied") > 0,
            "rows applied before the gate", TimeSpan.FromSeconds(30));
        var cancel = await psych.PostAsync($"/api/imports/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.True((await cancel.JsonAsync()).GetProperty("cancelRequested").GetBoolean());

        // Let the cancel reach the reader before the rest of the file does: the import says it is stopping.
        await Eventually.HoldsAsync(
            async () => (await psych.GetFromJsonAsync<JsonElement>($"/api/imports/{id}")).GetProperty("message").GetString() == ImportRunner.Stopping,
            "the import telling that it is stopping", TimeSpan.FromSeconds(30));
        gated.Open();
        var response = await upload;
        var cancelled = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Cancelled", cancelled.Text("state"));
        var firstApplied = cancelled.Long("rowsApplied");
        Assert.InRange(firstApplied, 1, (lines.Count - 1) / 2);
        Assert.Equal(0L, cancelled.Long("rowsFailed"));
        await (await psych.PostAsync($"/api/imports/{id}/cancel", null)).AssertProblemAsync(HttpStatusCode.Conflict);

        var again = await psych.ImportAsync("Screening", file);

        Assert.Equal("Completed", again.Text("state"));
        Assert.Equal((lines.Count - 1 - firstApplied, firstApplied, 0L), again.Outcome());
        foreach (var student in new[] { "ic-s1", $"ic-s{Students / 2}", $"ic-s{Students}" })
        {
            var archive = await psych.GetFromJsonAsync<JsonElement>($"/api/students/{student}");
            Assert.Equal(["GAD-7", "PHQ-9"], archive.GetProperty("screenings").EnumerateArray().Select(s => s.Text("instrument")).Order());
        }
    }

    /// <summary>
    /// A slow upload: the import ends as Cancelled as soon as its rows stop, while the rest of the file is still on
    /// its way (it is taken and thrown away afterwards), and an uploader that gives up then changes nothing.
    /// </summary>
    [Fact]
    public async Task Cancelling_a_slow_upload_ends_the_import_before_the_rest_of_the_file_has_come()
    {
        await web.PutRosterAsync(Roster(
            districts: [District("ict-d")], schools: [School("ict-h", "ict-d")], classes: [Class("ict-c", "ict-h")],
            students: [Student("ict-s1", "ict-c")], staff: [Staff("ict-psy", "PsychTeacher", "school:ict-h")]));
        using var psych = await web.ClientForAsync("ict-psy", StaffPassword);
        var id = (await psych.CreateImportAsync("Screening")).Text("importId");
        using var trickle = new TrickleContent(
            "学号,量表,测评日期,第1题,第2题,第3题,第4题,第5题,第6题,第7题,第8题,第9题",
            "ict-s1,no-such-scale,2026-09-15,0,0,0,0,0,0,0,0,0",
            batches: 600, linesPerBatch: 20, pause: TimeSpan.FromMilliseconds(100));
        using var streaming = new HttpClient { BaseAddress = web.BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        streaming.DefaultRequestHeaders.Authorization = new("Bearer", await web.TokenForAsync("ict-psy", StaffPassword));
        using var giveUp = new CancellationTokenSource();
        var upload = streaming.PutAsync($"/api/imports/{id}/content", trickle, giveUp.Token);
        await Eventually.HoldsAsync(
            async () => (await psych.GetFromJsonAsync<JsonElement>($"/api/imports/{id}")).Long("rowsFailed") > 0,
            "rows refused before the cancel", TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Accepted, (await psych.PostAsync($"/api/imports/{id}/cancel", null)).StatusCode);

        await Eventually.HoldsAsync(
            async () => (await psych.GetFromJsonAsync<JsonElement>($"/api/imports/{id}")).Text("state") == "Cancelled",
            "the import ending as cancelled", TimeSpan.FromSeconds(20));
        Assert.False(trickle.Finished, "the import ended only once the whole file had been sent");

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => upload);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var ended = await psych.GetFromJsonAsync<JsonElement>($"/api/imports/{id}");
        Assert.Equal(("Cancelled", 0L), (ended.Text("state"), ended.Long("rowsApplied")));
        Assert.True(ended.Long("rowsFailed") > 0);
    }

    /// <summary>A header and then <c>batches</c> × <c>linesPerBatch</c> copies of a line, a batch every <c>pause</c>: a slow upload.</summary>
    private sealed class TrickleContent(string header, string line, int batches, int linesPerBatch, TimeSpan pause) : HttpContent
    {
        public bool Finished { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var batch = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line + "\r\n", linesPerBatch)));
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(header + "\r\n"));
            for (var i = 0; i < batches; i++)
            {
                await stream.WriteAsync(batch);
                await stream.FlushAsync();
                await Task.Delay(pause);
            }

            Finished = true;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    /// <summary>A file that stops after <c>cutAt</c> bytes until the test opens the gate, as a slow upload would.</summary>
    private sealed class GatedContent : HttpContent
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly byte[] _bytes;
        private readonly int _cutAt;

        public GatedContent(byte[] bytes, int cutAt)
        {
            (_bytes, _cutAt) = (bytes, cutAt);
            Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        }

        public void Open() => _gate.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_bytes.AsMemory(0, _cutAt));
            await stream.FlushAsync();
            await _gate.Task.WaitAsync(TimeSpan.FromMinutes(2));
            await stream.WriteAsync(_bytes.AsMemory(_cutAt));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            _gate.TrySetResult();
            base.Dispose(disposing);
        }
    }
}
