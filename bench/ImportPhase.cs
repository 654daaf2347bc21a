using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace MonitorGrid.Bench;

/// <summary>What a screening import of the whole city measured.</summary>
internal sealed record ImportReport(
    long Rows, long FileBytes, double Seconds, double RowsPerSecond, long Applied, long Unchanged, long Failed, long TiersRaised,
    long RssBeforeBytes, long PeakRssBytes, double AgainSeconds, double AgainRowsPerSecond, long AgainUnchanged);

/// <summary>
/// The screening import at city scale: one PHQ-9 result per student, written to a file first (never held
/// in memory here either), sent as one streamed upload through <c>PUT /api/imports/{id}/content</c> as
/// Admin, with the server's progress read every second; then the same file again, which must change
/// nothing. One in ten results is moderate (Yellow), one in twenty-five moderately severe (Orange), one
/// in fifty has item 9 positive (Red): 16 % of students get an alert, as screenings of adolescents find.
/// </summary>
internal static class ImportPhase
{
    public static async Task<ImportReport> RunAsync(HttpClient http, string admin, City city, Sampler sampler)
    {
        var path = Path.Combine(Path.GetTempPath(), $"monitorgrid-screening-{Environment.ProcessId}.csv");
        try
        {
            Console.WriteLine($"· screening import: writing {city.Students:N0} PHQ-9 rows to a file");
            var bytes = await WriteFileAsync(path, city.Students);
            var before = await sampler.SampleAsync();
            sampler.Phase = "import";
            var (first, seconds) = await ImportAsync(http, admin, path, sampler);
            var peak = sampler.PeakResidentBytes("import");
            sampler.Phase = "reimport";
            var (again, againSeconds) = await ImportAsync(http, admin, path, sampler);
            return new ImportReport(
                city.Students, bytes, seconds, city.Students / seconds, Long(first, "rowsApplied"), Long(first, "rowsUnchanged"),
                Long(first, "rowsFailed"), Long(first, "tiersRaised"), before.ResidentBytes, Math.Max(peak, before.ResidentBytes),
                againSeconds, city.Students / againSeconds, Long(again, "rowsUnchanged"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<long> WriteFileAsync(string path, int students)
    {
        await using (var file = new StreamWriter(path, false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)))
        {
            file.NewLine = "\r\n";
            await file.WriteLineAsync("学号,量表,测评日期,第1题,第2题,第3题,第4题,第5题,第6题,第7题,第8题,第9题");
            var line = new StringBuilder();
            for (var s = 0; s < students; s++)
            {
                line.Clear().Append(City.Student(s)).Append(",PHQ-9,2026-09-15,").AppendJoin(',', Answers(s));
                await file.WriteLineAsync(line);
            }
        }

        return new FileInfo(path).Length;
    }

    private static int[] Answers(int s) => s switch
    {
        _ when s % 50 == 1 => [0, 1, 0, 0, 0, 0, 0, 0, 1],
        _ when s % 25 == 2 => [2, 2, 2, 2, 2, 2, 2, 2, 0],
        _ when s % 10 == 3 => [2, 2, 2, 2, 2, 0, 0, 0, 0],
        _ => [s % 2, s % 3, 1, 0, 0, 0, 0, 0, 0],
    };

    private static async Task<(JsonElement Job, double Seconds)> ImportAsync(HttpClient http, string admin, string path, Sampler sampler)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/imports")
        {
            Content = JsonContent.Create(new { kind = "Screening", fileName = Path.GetFileName(path) }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var created = await http.SendAsync(create);
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("importId").GetString()!;

        var clock = Stopwatch.StartNew();
        await using var file = File.OpenRead(path);
        using var upload = new HttpRequestMessage(HttpMethod.Put, $"/api/imports/{id}/content") { Content = new StreamContent(file, 1 << 16) };
        upload.Content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        upload.Content.Headers.ContentLength = file.Length;
        upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        var sending = http.SendAsync(upload);
        while (await Task.WhenAny(sending, Task.Delay(1000)) != sending)
        {
            try
            {
                using var get = new HttpRequestMessage(HttpMethod.Get, $"/api/imports/{id}");
                get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
                using var progress = await http.SendAsync(get);
                var job = await progress.Content.ReadFromJsonAsync<JsonElement>();
                var done = Long(job, "rowsApplied") + Long(job, "rowsUnchanged") + Long(job, "rowsFailed");
                var left = job.GetProperty("secondsLeft") is { ValueKind: JsonValueKind.Number } l ? $"{l.GetDouble():F0} s left" : "";
                Console.Write(string.Create(CultureInfo.InvariantCulture,
                    $"\r  {done,10:N0} rows  {job.GetProperty("rowsPerSecond").GetDouble(),8:N0}/s  {Long(job, "rowsFailed"):N0} errors  {left,-12} {sampler.Status()}   "));
            }
            catch (HttpRequestException)
            {
                // A busy server may miss one reading.
            }
        }

        using var response = await sending;
        clock.Stop();
        var final = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.EnsureSuccessStatusCode();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\n  {final.GetProperty("state").GetString()} in {clock.Elapsed.TotalSeconds:F1} s: {Long(final, "rowsApplied"):N0} applied, {Long(final, "rowsUnchanged"):N0} unchanged, {Long(final, "rowsFailed"):N0} refused, {Long(final, "tiersRaised"):N0} tiers raised"));
        if (final.GetProperty("state").GetString() != "Completed")
        {
            throw new InvalidOperationException($"The import ended {final}.");
        }

        return (final, clock.Elapsed.TotalSeconds);
    }

    private static long Long(JsonElement job, string property) => job.GetProperty(property).GetInt64();
}
