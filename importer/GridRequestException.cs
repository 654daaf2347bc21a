namespace MonitorGrid.Importer;

/// <summary>The server answered a request with an error; the message says which step and renders the answer.</summary>
public sealed class GridRequestException(string step, int status, string rendered) : Exception($"{step}：{rendered}")
{
    /// <summary>The HTTP status of the answer.</summary>
    public int Status { get; } = status;

    internal static async Task<GridRequestException> FromAsync(string step, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new GridRequestException(step, (int)response.StatusCode, ProblemText.Render(
            (int)response.StatusCode, response.ReasonPhrase, response.Content.Headers.ContentType?.MediaType, body));
    }
}
