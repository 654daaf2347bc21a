namespace MonitorGrid.Tests.Infrastructure;

/// <summary>Where the repository and the solution's build outputs are, seen from the test output folder.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding <c>MonitorGrid.sln</c>, found upwards from the test output folder.</summary>
    public static string Root()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "MonitorGrid.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No folder above {AppContext.BaseDirectory} holds MonitorGrid.sln: run the tests from the repository.");
    }

    /// <summary>The build configuration the tests were built in (<c>Debug</c> or <c>Release</c>), read from the output folder.</summary>
    public static string Configuration() =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name
        ?? throw new InvalidOperationException($"The test output folder {AppContext.BaseDirectory} is not bin/<configuration>/<framework>.");

    /// <summary>The output folder of the project in <paramref name="projectFolder"/> (e.g. <c>web</c>), built in the tests' configuration.</summary>
    public static string OutputOf(string projectFolder) =>
        Path.Combine(Root(), projectFolder, "bin", Configuration(), new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name);
}
