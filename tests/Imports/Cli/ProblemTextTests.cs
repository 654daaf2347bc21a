using MonitorGrid.Importer;

namespace MonitorGrid.Tests.Imports.Cli;

public sealed class Problem_details_from_the_server_are_rendered_readably
{
    [Fact]
    public void A_refused_header_lists_every_column_with_its_reasons()
    {
        const string body = """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"Validation failed","status":400,
             "detail":"The header cannot be used.","errors":{"学号":["缺少必需的列"],"第9题":["列名重复","与 item9 重复"]}}
            """;

        var text = ProblemText.Render(400, "Bad Request", "application/problem+json", body);

        Assert.Equal(
            string.Join(Environment.NewLine,
                "HTTP 400 Bad Request：The header cannot be used.",
                "  · 学号：缺少必需的列",
                "  · 第9题：列名重复；与 item9 重复"),
            text);
    }

    [Fact]
    public void A_problem_without_errors_is_its_detail()
    {
        var text = ProblemText.Render(409, "Conflict", "application/problem+json", """{"title":"Conflict","status":409,"detail":"The content was sent already."}""");

        Assert.Equal("HTTP 409 Conflict：The content was sent already.", text);
    }

    [Fact]
    public void A_problem_without_a_detail_is_named_by_its_title()
    {
        var text = ProblemText.Render(403, "Forbidden", "application/problem+json", """{"title":"Forbidden","status":403}""");

        Assert.Equal("HTTP 403 Forbidden：Forbidden", text);
    }

    [Fact]
    public void An_answer_that_is_not_json_shows_its_status_and_the_start_of_its_body_on_one_line()
    {
        var text = ProblemText.Render(502, "Bad Gateway", "text/html", "<html>\n  <body>upstream is down</body>\n</html>");

        Assert.Equal("HTTP 502 Bad Gateway：<html> <body>upstream is down</body> </html>", text);
    }

    [Fact]
    public void A_long_body_is_cut_short()
    {
        var text = ProblemText.Render(500, null, "text/plain", new string('x', 1_000));

        Assert.Equal("HTTP 500：" + new string('x', 300) + "…", text);
    }

    [Fact]
    public void Json_that_does_not_parse_is_shown_as_text()
    {
        var text = ProblemText.Render(500, "Internal Server Error", "application/json", "{\"detail\": ");

        Assert.Equal("HTTP 500 Internal Server Error：{\"detail\":", text);
    }

    [Fact]
    public void An_empty_answer_is_its_status_line()
    {
        Assert.Equal("HTTP 401 Unauthorized", ProblemText.Render(401, "Unauthorized", null, ""));
    }
}
