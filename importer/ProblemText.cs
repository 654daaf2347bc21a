using System.Text;
using System.Text.Json;

namespace MonitorGrid.Importer;

/// <summary>
/// An error answer made readable: an RFC 7807 problem as its <c>detail</c> and one line per entry of its
/// <c>errors</c> map (a bad header lists its columns); anything else as its status and the start of its body.
/// </summary>
public static class ProblemText
{
    // A proxy's HTML error page says little past its first lines.
    private const int LongestBody = 300;

    /// <summary>Renders an answer with status <paramref name="status"/> and body <paramref name="body"/>.</summary>
    public static string Render(int status, string? reasonPhrase, string? mediaType, string? body)
    {
        var statusLine = string.IsNullOrWhiteSpace(reasonPhrase) ? $"HTTP {status}" : $"HTTP {status} {reasonPhrase}";
        if (string.IsNullOrWhiteSpace(body))
        {
            return statusLine;
        }

        if (mediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true && TryRenderProblem(statusLine, body) is { } problem)
        {
            return problem;
        }

        var text = string.Join(' ', body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return $"{statusLine}：{(text.Length > LongestBody ? text[..LongestBody] + "…" : text)}";
    }

    private static string? TryRenderProblem(string statusLine, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var summary = Text(root, "detail") ?? Text(root, "title");
            var text = new StringBuilder(summary is null ? statusLine : $"{statusLine}：{summary}");
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    var messages = field.Value.ValueKind == JsonValueKind.Array
                        ? field.Value.EnumerateArray().Select(Message)
                        : [Message(field.Value)];
                    var joined = string.Join("；", messages.Where(m => m.Length > 0));
                    text.AppendLine().Append("  · ").Append(field.Name.Length == 0 ? joined : $"{field.Name}：{joined}");
                }
            }

            return text.ToString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : null;

    private static string Message(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : value.GetRawText();
}
