namespace MonitorGrid.Importer;

/// <summary>One import as the command line asked for it.</summary>
/// <param name="Kind">What the file holds.</param>
/// <param name="FilePath">The CSV file, as given.</param>
/// <param name="Url">The grid's address.</param>
/// <param name="UserId">Who signs in.</param>
/// <param name="Password">From <c>--password</c>; null to take it from the environment or a prompt.</param>
/// <param name="Encoding"><c>utf-8</c> or <c>gb18030</c>; null lets the server detect it.</param>
/// <param name="ErrorsPath">From <c>--errors</c>; null for the default next to the input.</param>
public sealed record ImportOptions(
    ImportKind Kind, string FilePath, Uri Url, string UserId, string? Password, string? Encoding, string? ErrorsPath)
{
    /// <summary>Where the row errors go: <c>--errors</c>, else <c>{name}-errors.csv</c> in the input's folder.</summary>
    public string ErrorsFile => ErrorsPath
        ?? Path.Combine(
            Path.GetDirectoryName(Path.GetFullPath(FilePath)) ?? ".",
            Path.GetFileNameWithoutExtension(FilePath) + "-errors.csv");
}
