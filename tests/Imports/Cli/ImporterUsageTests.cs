using System.Net.Http.Headers;
using System.Text;
using MonitorGrid.Importer;

namespace MonitorGrid.Tests.Imports.Cli;

/// <summary>
/// What the importer decides before any import exists: help, usage errors, and where the password comes from.
/// The sign-in it then tries is answered 401 by a stand-in handler, which is as far as these tests go.
/// </summary>
public sealed class The_importer_settles_its_usage_before_importing : IDisposable
{
    private readonly string _file = Path.Combine(Directory.CreateTempSubdirectory("monitorgrid-importer-usage-").FullName, "roster.csv");
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();
    private readonly SignInRefused _server = new();

    public The_importer_settles_its_usage_before_importing() => File.WriteAllText(_file, "学号,姓名,班级编号\n", Encoding.UTF8);

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);

    [Fact]
    public async Task Help_prints_the_usage_in_Chinese_and_English_and_exits_0()
    {
        var exitCode = await RunAsync(["--help"]);

        Assert.Equal(ExitCodes.Completed, exitCode);
        Assert.Contains("用法 Usage:", _out.ToString(), StringComparison.Ordinal);
        Assert.Contains("--encoding utf-8|gb18030", _out.ToString(), StringComparison.Ordinal);
        Assert.Contains("退出码 Exit codes:", _out.ToString(), StringComparison.Ordinal);
        Assert.Empty(_server.SignIns);
    }

    [Fact]
    public async Task Bad_arguments_exit_64_with_the_mistake_on_stderr()
    {
        var exitCode = await RunAsync(["students", _file, "--url", "http://127.0.0.1:5000"]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--user is required", _error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--help", _error.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, _out.ToString());
        Assert.Empty(_server.SignIns);
    }

    [Fact]
    public async Task A_file_that_does_not_exist_exits_64()
    {
        var missing = Path.Combine(Path.GetDirectoryName(_file)!, "missing.csv");

        var exitCode = await RunAsync(["students", missing, "--url", "http://127.0.0.1:5000", "--user", "admin", "--password", "demo"]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains(missing, _error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_server.SignIns);
    }

    [Fact]
    public async Task Without_any_password_source_it_exits_64_without_signing_in()
    {
        var exitCode = await RunAsync(["students", _file, "--url", "http://127.0.0.1:5000", "--user", "admin"]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains(ImportArguments.PasswordVariable, _error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_server.SignIns);
    }

    [Theory]
    [InlineData("from-option", "from-variable", "from-prompt", "from-option")]
    [InlineData(null, "from-variable", "from-prompt", "from-variable")]
    [InlineData(null, null, "from-prompt", "from-prompt")]
    public async Task The_password_option_wins_over_the_variable_which_wins_over_the_prompt(
        string? option, string? variable, string? prompt, string expected)
    {
        string[] args = ["students", _file, "--url", "http://127.0.0.1:5000", "--user", "admin", .. option is null ? Array.Empty<string>() : ["--password", option]];

        var exitCode = await RunAsync(args, variable, prompt);

        Assert.Equal(ExitCodes.Failed, exitCode);
        var signIn = Assert.Single(_server.SignIns);
        Assert.Equal(("admin", expected), (signIn.GetProperty("userId").GetString(), signIn.GetProperty("password").GetString()));
    }

    [Fact]
    public async Task A_refused_sign_in_is_reported_with_the_problem_detail_and_exits_3()
    {
        var exitCode = await RunAsync(["screening", _file, "--url", "http://127.0.0.1:5000", "--user", "admin", "--password", "wrong"]);

        Assert.Equal(ExitCodes.Failed, exitCode);
        Assert.Contains("登录失败：HTTP 401 Unauthorized：Wrong user id or password.", _error.ToString(), StringComparison.Ordinal);
    }

    private Task<int> RunAsync(string[] args, string? variable = null, string? prompt = null) =>
        ImporterApp.RunAsync(args, new ImporterEnvironment
        {
            Out = _out,
            Error = _error,
            CreateHttpHandler = () => _server,
            GetVariable = name => name == ImportArguments.PasswordVariable ? variable : null,
            PromptPassword = prompt is null ? null : () => prompt,
        }, CancellationToken.None);

    /// <summary>Answers every request as a wrong sign-in, recording the sign-in bodies.</summary>
    private sealed class SignInRefused : HttpMessageHandler
    {
        public List<JsonElement> SignIns { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.AbsolutePath == "/api/auth/token" && request.Content is { } content)
            {
                SignIns.Add(JsonDocument.Parse(await content.ReadAsStringAsync(cancellationToken)).RootElement.Clone());
            }

            var body = new StringContent("""{"title":"Unauthorized","status":401,"detail":"Wrong user id or password."}""", Encoding.UTF8);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/problem+json");
            return new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = body, ReasonPhrase = "Unauthorized" };
        }
    }
}
