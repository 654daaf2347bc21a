namespace MonitorGrid.Tests.Deployment;

/// <summary>What a test needs of a Dockerfile: the final stage's base image, its ENTRYPOINT and the ports it EXPOSEs.</summary>
internal sealed record Dockerfile(string FinalBase, IReadOnlyList<string> Entrypoint, IReadOnlyList<string> Exposed)
{
    /// <summary>Reads <c>{project}/Dockerfile</c> of the repository (instructions only: comments and continuations are handled).</summary>
    public static Dockerfile Read(string project)
    {
        var lines = File.ReadAllText(Path.Combine(RepositoryPaths.Root(), project, "Dockerfile"))
            .Replace("\\\n", " ", StringComparison.Ordinal)
            .Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => (Instruction: l.Split(' ', 2)[0].ToUpperInvariant(), Argument: l.Split(' ', 2).ElementAtOrDefault(1)?.Trim() ?? ""))
            .ToList();

        // The final stage is what runs: everything from the last FROM on.
        var last = lines.FindLastIndex(l => l.Instruction == "FROM");
        var final = lines.Skip(last).ToList();
        var entrypoint = final.LastOrDefault(l => l.Instruction == "ENTRYPOINT").Argument
            ?? throw new InvalidOperationException($"{project}/Dockerfile's final stage has no ENTRYPOINT.");
        return new Dockerfile(
            final[0].Argument.Split(' ')[0],
            JsonSerializer.Deserialize<string[]>(entrypoint) ?? [],
            [.. final.Where(l => l.Instruction == "EXPOSE").SelectMany(l => l.Argument.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(p => p.Split('/')[0])]);
    }
}
