namespace MonitorGrid.Importer;

/// <summary>The command: everything it does is in <see cref="ImporterApp"/>, which tests run in process.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => ImporterApp.RunAsync(args, ImporterEnvironment.ForConsole(), CancellationToken.None);
}
