namespace MonitorGrid.Importer;

/// <summary>
/// The command-line importer: signs in, creates the import, follows it live, streams the file, prints the
/// summary and saves the row errors. Everything it touches outside itself comes from an <see cref="ImporterEnvironment"/>.
/// </summary>
public static class ImporterApp
{
    /// <summary>Runs the importer with <paramref name="args"/>; returns the exit code (<see cref="ExitCodes"/>).</summary>
    /// <param name="args">The command line, without the program's name.</param>
    /// <param name="environment">Where it writes, how it reaches the network, its password source and Ctrl+C.</param>
    /// <param name="cancellationToken">Aborts at once, as a second Ctrl+C does.</param>
    public static async Task<int> RunAsync(string[] args, ImporterEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);

        // Progress, hub callbacks and Ctrl+C write from other threads.
        var output = TextWriter.Synchronized(environment.Out);
        var error = TextWriter.Synchronized(environment.Error);
        var parsed = ImportArguments.Parse(args);
        if (parsed.HelpRequested)
        {
            output.Write(ImportArguments.Usage);
            output.Flush();
            return ExitCodes.Completed;
        }

        if (parsed.Options is not { } options)
        {
            error.WriteLine(parsed.Error);
            error.WriteLine("用法见 --help（see --help）");
            return ExitCodes.Usage;
        }

        if (Unreadable(options.FilePath) is { } why)
        {
            error.WriteLine($"无法读取文件 {options.FilePath}：{why}（cannot read the file）");
            return ExitCodes.Usage;
        }

        var password = options.Password
            ?? NullIfEmpty(environment.GetVariable(ImportArguments.PasswordVariable))
            ?? NullIfEmpty(environment.PromptPassword?.Invoke());
        if (password is null)
        {
            error.WriteLine(
                $"缺少密码：请用 --password 或环境变量 {ImportArguments.PasswordVariable}，或在终端中运行以输入（no password: use --password or {ImportArguments.PasswordVariable}, or run on a terminal to be asked）");
            return ExitCodes.Usage;
        }

        return await new ImportRun(options, password, environment, output, error).RunAsync(cancellationToken);
    }

    /// <summary>Why the file cannot be read, found before signing in rather than after creating the import.</summary>
    private static string? Unreadable(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
