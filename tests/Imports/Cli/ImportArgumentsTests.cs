using MonitorGrid.Importer;

// The importer's own wire types under names of their own: the server's (likely MonitorGrid.ImportKind …) would
// otherwise shadow them inside this namespace.
using CliKind = MonitorGrid.Importer.ImportKind;

namespace MonitorGrid.Tests.Imports.Cli;

public sealed class The_importer_reads_its_command_line_strictly
{
    [Fact]
    public void A_full_command_line_gives_every_option()
    {
        var parsed = ImportArguments.Parse([
            "screening", "data/results.csv", "--url", "http://localhost:5000", "--user", "psy-jinshui-01",
            "--password", "demo", "--encoding", "GB18030", "--errors", "out/errors.csv"]);

        Assert.Null(parsed.Error);
        Assert.Equal(
            new ImportOptions(CliKind.Screening, "data/results.csv", new Uri("http://localhost:5000"), "psy-jinshui-01", "demo", "gb18030", "out/errors.csv"),
            parsed.Options);
    }

    [Fact]
    public void Options_may_come_first_and_take_their_value_after_an_equals_sign()
    {
        var parsed = ImportArguments.Parse(["--url=https://grid.example/edu/", "--user=admin", "--encoding=utf8", "students", "roster.csv"]);

        Assert.Equal(
            new ImportOptions(CliKind.Students, "roster.csv", new Uri("https://grid.example/edu/"), "admin", null, "utf-8", null),
            parsed.Options);
    }

    [Theory]
    [InlineData("students", CliKind.Students)]
    [InlineData("STAFF", CliKind.Staff)]
    [InlineData("Screening", CliKind.Screening)]
    public void The_kind_is_read_in_any_case(string kind, CliKind expected)
    {
        var parsed = ImportArguments.Parse([kind, "a.csv", "--url", "http://localhost:5000", "--user", "admin"]);

        Assert.Equal(expected, parsed.Options?.Kind);
    }

    [Fact]
    public void A_file_whose_name_starts_with_a_dash_is_given_after_a_double_dash()
    {
        var parsed = ImportArguments.Parse(["--url", "http://localhost:5000", "--user", "admin", "--", "staff", "-staff.csv"]);

        Assert.Equal("-staff.csv", parsed.Options?.FilePath);
    }

    [Fact]
    public void The_errors_file_defaults_to_the_input_name_with_errors_in_the_same_folder()
    {
        var options = ImportArguments.Parse(["screening", Path.Combine("data", "march", "results.csv"), "--url", "http://localhost:5000", "--user", "admin"]).Options;

        Assert.Equal(Path.Combine(Path.GetFullPath(Path.Combine("data", "march")), "results-errors.csv"), options?.ErrorsFile);
    }

    [Fact]
    public void An_errors_option_is_where_the_errors_go()
    {
        var options = ImportArguments.Parse(["screening", "results.csv", "--url", "http://localhost:5000", "--user", "admin", "--errors", "bad.csv"]).Options;

        Assert.Equal("bad.csv", options?.ErrorsFile);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("pupils --bogus -h")]
    public void Help_is_asked_for_with_either_spelling_even_among_mistakes(string commandLine)
    {
        var parsed = ImportArguments.Parse(Split(commandLine));

        Assert.True(parsed.HelpRequested);
        Assert.Null(parsed.Error);
    }

    [Theory]
    [InlineData("", "missing what to import")]
    [InlineData("pupils a.csv --url http://x --user u", "unknown kind 'pupils'")]
    [InlineData("students --url http://x --user u", "missing the CSV file")]
    [InlineData("students a.csv b.csv --url http://x --user u", "unexpected argument 'b.csv'")]
    [InlineData("students a.csv --user u", "--url is required")]
    [InlineData("students a.csv --url localhost:5000 --user u", "--url must be an http or https address")]
    [InlineData("students a.csv --url ftp://x --user u", "--url must be an http or https address")]
    [InlineData("students a.csv --url http://x", "--user is required")]
    [InlineData("students a.csv --url http://x --user", "--user needs a value")]
    [InlineData("students a.csv --url --user u", "--url needs a value")]
    [InlineData("students a.csv --url http://x --user u --password=", "--password needs a value")]
    [InlineData("students a.csv --url http://x --user u --verbose", "unknown option --verbose")]
    [InlineData("students a.csv --url http://x --user u --user v", "--user is given twice")]
    [InlineData("students a.csv --url http://x --user u --encoding latin1", "--encoding must be utf-8 or gb18030")]
    public void Each_mistake_is_refused_with_a_message_naming_it(string commandLine, string named)
    {
        var parsed = ImportArguments.Parse(Split(commandLine));

        Assert.Null(parsed.Options);
        Assert.False(parsed.HelpRequested);
        Assert.Contains(named, parsed.Error, StringComparison.Ordinal);
    }

    private static string[] Split(string commandLine) => commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
