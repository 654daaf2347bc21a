using System.Diagnostics;

namespace MonitorGrid.Tests.Infrastructure;

/// <summary>Runs another program to its end with its output captured, for tests that drive commands (pg_ctl, scripts, node).</summary>
internal static class ChildProcess
{
    /// <summary>How a command ended: its exit code and what it wrote.</summary>
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        /// <summary>Standard output then standard error, for failure messages.</summary>
        public string All => Output + Error;
    }

    /// <summary>
    /// Runs <paramref name="start"/> (output and error captured, no input) until it exits. Past <paramref name="timeout"/>
    /// its process tree is killed and a <see cref="TimeoutException"/> names the command.
    /// </summary>
    public static async Task<Result> RunAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(start.FileName)} {string.Join(' ', start.ArgumentList)} did not finish in {timeout}.");
        }

        return new Result(process.ExitCode, await output, await error);
    }
}
