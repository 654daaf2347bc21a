using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace MonitorGrid.Importer;

/// <summary>The import endpoints of docs/imports.md over one <see cref="HttpClient"/>; errors become <see cref="GridRequestException"/>.</summary>
internal sealed class GridApi(HttpClient http)
{
    // The client has no timeout because an upload may take minutes; every other call gets this one.
    private static readonly TimeSpan ShortCallTimeout = TimeSpan.FromSeconds(100);

    public async Task<string> SignInAsync(string userId, string password, CancellationToken cancellationToken)
    {
        using var timeout = Shorten(cancellationToken);
        using var response = await http.PostAsJsonAsync("api/auth/token", new SignInRequest(userId, password), ImporterJson.Options, timeout.Token);
        var session = await ReadAsync<SignInResponse>("登录失败", response, timeout.Token);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);
        return session.AccessToken;
    }

    public async Task<ImportJob> CreateAsync(ImportKind kind, string fileName, string? encoding, CancellationToken cancellationToken)
    {
        using var timeout = Shorten(cancellationToken);
        using var response = await http.PostAsJsonAsync("api/imports", new CreateImportRequest(kind, fileName, encoding), ImporterJson.Options, timeout.Token);
        return await ReadAsync<ImportJob>("创建导入失败", response, timeout.Token);
    }

    public async Task<ImportJob> GetAsync(string importId, CancellationToken cancellationToken)
    {
        using var timeout = Shorten(cancellationToken);
        using var response = await http.GetAsync(JobPath(importId), timeout.Token);
        return await ReadAsync<ImportJob>("查询进度失败", response, timeout.Token);
    }

    public async Task<ImportJob> CancelAsync(string importId, CancellationToken cancellationToken)
    {
        using var timeout = Shorten(cancellationToken);
        using var response = await http.PostAsync(JobPath(importId) + "/cancel", content: null, timeout.Token);
        return await ReadAsync<ImportJob>("取消失败", response, timeout.Token);
    }

    /// <summary>
    /// Streams the file as the body (never read into memory) with its length, so that the server can show the
    /// time left; the answer comes once the server is done with the file.
    /// </summary>
    public async Task<ImportJob> UploadAsync(string importId, string filePath, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var content = new StreamContent(file, 81920);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Headers.ContentLength = file.Length;
        using var request = new HttpRequestMessage(HttpMethod.Put, JobPath(importId) + "/content") { Content = content };
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<ImportJob>("上传失败", response, cancellationToken);
    }

    /// <summary>Saves the row errors as CSV to <paramref name="path"/>, streamed, through a temporary file so that a broken download leaves no half file.</summary>
    public async Task SaveErrorsAsync(string importId, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(JobPath(importId) + "/errors?format=csv", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await GridRequestException.FromAsync("下载错误明细失败", response, cancellationToken);
        }

        var partial = path + ".part";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            await response.Content.CopyToAsync(file, cancellationToken);
        }

        File.Move(partial, path, overwrite: true);
    }

    /// <summary>The first row errors, read from the JSON list as it streams in; the rest is never downloaded.</summary>
    public async IAsyncEnumerable<RowError> FirstErrorsAsync(string importId, int count, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var timeout = Shorten(cancellationToken);
        using var response = await http.GetAsync(JobPath(importId) + "/errors?format=json", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw await GridRequestException.FromAsync("读取错误明细失败", response, timeout.Token);
        }

        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        var taken = 0;
        await foreach (var error in JsonSerializer.DeserializeAsyncEnumerable<RowError>(body, ImporterJson.Options, timeout.Token))
        {
            if (error is null)
            {
                continue;
            }

            yield return error;
            if (++taken == count)
            {
                yield break;
            }
        }
    }

    private static string JobPath(string importId) => "api/imports/" + Uri.EscapeDataString(importId);

    private static CancellationTokenSource Shorten(CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ShortCallTimeout);
        return timeout;
    }

    private static async Task<T> ReadAsync<T>(string step, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await GridRequestException.FromAsync(step, response, cancellationToken);
        }

        return await response.Content.ReadFromJsonAsync<T>(ImporterJson.Options, cancellationToken)
            ?? throw new GridRequestException(step, (int)response.StatusCode, "服务器的回答为空（empty answer）");
    }
}
