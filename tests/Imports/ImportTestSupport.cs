using System.Net.Http.Headers;
using System.Text;

namespace MonitorGrid.Tests.Imports;

/// <summary>Creating imports and sending their files over real HTTP, as the admin page and the command-line importer do.</summary>
internal static class ImportTestSupport
{
    static ImportTestSupport() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static byte[] Utf8(string csv, bool bom = false) =>
        [.. (bom ? Encoding.UTF8.GetPreamble() : []), .. Encoding.UTF8.GetBytes(csv)];

    /// <summary>The bytes Chinese Excel writes when it saves "CSV": GB18030 (a superset of GBK), no BOM.</summary>
    public static byte[] Gb18030(string csv) => Encoding.GetEncoding(54936).GetBytes(csv);

    /// <summary>Lines joined with CRLF, the way spreadsheets save them.</summary>
    public static string CsvLines(params string[] lines) => string.Join("\r\n", lines) + "\r\n";

    public static async Task<JsonElement> CreateImportAsync(this HttpClient client, string kind, string fileName = "test.csv", string? encoding = null)
    {
        var response = await client.PostAsJsonAsync("/api/imports", new { kind, fileName, encoding });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"creating the import: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> UploadAsync(this HttpClient client, string importId, HttpContent content) =>
        client.PutAsync($"/api/imports/{importId}/content", content);

    public static ByteArrayContent CsvContent(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return content;
    }

    /// <summary>Creates an import, sends the file and insists on a 200; returns the final job.</summary>
    public static async Task<JsonElement> ImportAsync(this HttpClient client, string kind, byte[] file, string fileName = "test.csv", string? encoding = null)
    {
        var job = await client.CreateImportAsync(kind, fileName, encoding);
        var response = await client.UploadAsync(job.GetProperty("importId").GetString()!, CsvContent(file));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"importing: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<RowError[]> ErrorsAsync(this HttpClient client, JsonElement job)
    {
        var errors = await client.GetFromJsonAsync<RowError[]>(
            $"/api/imports/{job.GetProperty("importId").GetString()}/errors?format=json", Wire);
        return errors!;
    }

    public static long Long(this JsonElement job, string property) => job.GetProperty(property).GetInt64();

    public static string Text(this JsonElement json, string property) => json.GetProperty(property).GetString()!;

    /// <summary>applied / unchanged / failed, for one assertion that shows all three.</summary>
    public static (long Applied, long Unchanged, long Failed) Outcome(this JsonElement job) =>
        (job.Long("rowsApplied"), job.Long("rowsUnchanged"), job.Long("rowsFailed"));

    public static readonly JsonSerializerOptions Wire = CreateWire();

    private static JsonSerializerOptions CreateWire()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        return options;
    }
}
