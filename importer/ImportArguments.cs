namespace MonitorGrid.Importer;

/// <summary>The outcome of reading the command line: options, a request for help, or what is wrong.</summary>
public sealed record ParsedArguments(ImportOptions? Options, bool HelpRequested, string? Error)
{
    internal static ParsedArguments Valid(ImportOptions options) => new(options, false, null);

    internal static ParsedArguments Help() => new(null, true, null);

    internal static ParsedArguments Invalid(string error) => new(null, false, error);
}

/// <summary>
/// Reads <c>&lt;students|staff|screening&gt; &lt;file.csv&gt; --url … --user … [--password …] [--encoding …] [--errors …]</c>.
/// Options may come anywhere, as <c>--name value</c> or <c>--name=value</c>; after <c>--</c> everything is an argument
/// (a file whose name starts with a dash). Messages are in Chinese with the English in brackets.
/// </summary>
public static class ImportArguments
{
    /// <summary>The environment variable read when <c>--password</c> is not given.</summary>
    public const string PasswordVariable = "MONITORGRID_PASSWORD";

    private static readonly string[] KnownOptions = ["--url", "--user", "--password", "--encoding", "--errors"];

    /// <summary>What <c>--help</c> prints, in Chinese and English.</summary>
    public static string Usage { get; } = """
        MonitorGrid 命令行导入 · MonitorGrid command-line importer

        用法 Usage:
          MonitorGrid.Importer <students|staff|screening> <file.csv> --url <地址> --user <账号> [选项]
          （在仓库中 from the repository: dotnet run --project importer -- …）

        参数 Arguments:
          students | staff | screening   导入学生名册、教职工或心理筛查结果
                                         what the file holds: student roster, staff or screening results
          <file.csv>                     CSV 文件，首行为表头（UTF-8 或 GB18030）
                                         the CSV file, header first (UTF-8 or GB18030)

        选项 Options:
          --url <url>                    服务器地址，如 http://localhost:5000
                                         the grid's address, e.g. http://localhost:5000
          --user <id>                    登录账号 / the user id to sign in as
          --password <p>                 密码；未给出时读取环境变量 MONITORGRID_PASSWORD，再不行则在终端中提示输入
                                         password; else MONITORGRID_PASSWORD, else asked for on the terminal
          --encoding utf-8|gb18030       文件编码（默认由服务器自动识别）
                                         the file's encoding (detected by the server if not given)
          --errors <out.csv>             错误明细保存位置（默认为输入文件旁的 <文件名>-errors.csv）
                                         where to save the row errors (default <name>-errors.csv next to the file)
          -h, --help                     显示本帮助 / show this help

        进度显示在标准错误输出，结果摘要在标准输出。按一次 Ctrl+C 请求取消并等待服务器确认，再按一次立即退出。
        Progress goes to stderr, the summary to stdout. Ctrl+C once cancels the import and waits for the
        server to confirm; a second Ctrl+C exits at once.

        退出码 Exit codes:
          0   完成，没有错误行 / completed, no row errors
          1   完成，有错误行 / completed with row errors
          2   已取消 / cancelled
          3   失败或服务器拒绝 / failed, or refused by the server
          64  参数错误 / bad arguments

        """;

    /// <summary>Reads <paramref name="args"/>; the first mistake found is the error.</summary>
    public static ParsedArguments Parse(IReadOnlyList<string> args)
    {
        // Help wins over any mistake: someone who asks for it is still finding out how.
        if (args.Any(a => a is "-h" or "--help" or "-?" or "/?"))
        {
            return ParsedArguments.Help();
        }

        var positional = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var onlyArguments = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (onlyArguments || !arg.StartsWith('-') || arg == "-")
            {
                positional.Add(arg);
                continue;
            }

            if (arg == "--")
            {
                onlyArguments = true;
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg : arg[..equals];
            if (!KnownOptions.Contains(name, StringComparer.Ordinal))
            {
                return ParsedArguments.Invalid($"未知选项 {name}（unknown option {name}）");
            }

            string? value;
            if (equals >= 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                value = null;
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                return ParsedArguments.Invalid($"选项 {name} 缺少值（{name} needs a value）");
            }

            if (!values.TryAdd(name, value))
            {
                return ParsedArguments.Invalid($"选项 {name} 重复给出（{name} is given twice）");
            }
        }

        return Build(positional, values);
    }

    private static ParsedArguments Build(List<string> positional, Dictionary<string, string> values)
    {
        if (positional.Count == 0)
        {
            return ParsedArguments.Invalid("缺少导入类别 students、staff 或 screening（missing what to import: students, staff or screening）");
        }

        if (ParseKind(positional[0]) is not { } kind)
        {
            return ParsedArguments.Invalid(
                $"未知的导入类别“{positional[0]}”，应为 students、staff 或 screening（unknown kind '{positional[0]}': students, staff or screening）");
        }

        if (positional.Count == 1)
        {
            return ParsedArguments.Invalid("缺少要导入的 CSV 文件（missing the CSV file）");
        }

        if (positional.Count > 2)
        {
            return ParsedArguments.Invalid($"多余的参数“{positional[2]}”（unexpected argument '{positional[2]}'）");
        }

        if (!values.TryGetValue("--url", out var urlText))
        {
            return ParsedArguments.Invalid("缺少 --url 服务器地址（--url is required）");
        }

        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return ParsedArguments.Invalid($"--url 应为 http:// 或 https:// 开头的地址：{urlText}（--url must be an http or https address）");
        }

        if (!values.TryGetValue("--user", out var user))
        {
            return ParsedArguments.Invalid("缺少 --user 登录账号（--user is required）");
        }

        string? encoding = null;
        if (values.TryGetValue("--encoding", out var encodingText) && (encoding = ParseEncoding(encodingText)) is null)
        {
            return ParsedArguments.Invalid($"不支持的编码“{encodingText}”，应为 utf-8 或 gb18030（--encoding must be utf-8 or gb18030）");
        }

        return ParsedArguments.Valid(new ImportOptions(
            kind, positional[1], url, user, values.GetValueOrDefault("--password"), encoding, values.GetValueOrDefault("--errors")));
    }

    private static ImportKind? ParseKind(string text) => text.ToUpperInvariant() switch
    {
        "STUDENTS" => ImportKind.Students,
        "STAFF" => ImportKind.Staff,
        "SCREENING" => ImportKind.Screening,
        _ => null,
    };

    /// <summary>The contract's spelling of an encoding, accepting the usual variants of case and dash.</summary>
    private static string? ParseEncoding(string text) => text.ToUpperInvariant() switch
    {
        "UTF-8" or "UTF8" => "utf-8",
        "GB18030" => "gb18030",
        _ => null,
    };
}
