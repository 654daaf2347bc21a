using System.Diagnostics;

namespace MonitorGrid.Tests.Deployment;

/// <summary>
/// <c>scripts/build-images.sh</c> and <c>scripts/deploy.sh</c> run for real against stand-ins for <c>docker</c> and
/// <c>kubectl</c> that record what they are asked (this machine has no container runtime and no cluster).
/// </summary>
public sealed class ScriptTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("mg-scripts-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Build_images_builds_each_projects_dockerfile_into_the_image_the_manifests_run()
    {
        var (exit, log, _) = await RunAsync("build-images.sh", ["1.4.0"]);

        Assert.Equal(0, exit);
        Assert.Equal(
            ["docker build --file silo/Dockerfile --tag monitorgrid/silo:1.4.0 .", "docker build --file web/Dockerfile --tag monitorgrid/web:1.4.0 ."],
            log);
    }

    [Fact]
    public async Task Build_images_with_a_registry_names_and_pushes_the_images_there()
    {
        var (exit, log, _) = await RunAsync("build-images.sh", ["1.4.0", "--push"], new() { ["REGISTRY"] = "registry.example.cn/city" });

        Assert.Equal(0, exit);
        Assert.Equal(
            [
                "docker build --file silo/Dockerfile --tag registry.example.cn/city/monitorgrid/silo:1.4.0 .",
                "docker push registry.example.cn/city/monitorgrid/silo:1.4.0",
                "docker build --file web/Dockerfile --tag registry.example.cn/city/monitorgrid/web:1.4.0 .",
                "docker push registry.example.cn/city/monitorgrid/web:1.4.0",
            ],
            log);
    }

    [Fact]
    public async Task Deploy_deletes_the_old_migration_job_applies_the_overlay_with_the_tag_and_waits_for_the_job_before_the_rollouts()
    {
        var (exit, log, output) = await RunAsync("deploy.sh", ["dev", "2026.11.23"]);

        Assert.True(exit == 0, output);
        int At(string command) => log.FindIndex(l => l.StartsWith(command, StringComparison.Ordinal));
        var steps = new[]
        {
            "kubectl -n monitorgrid-dev delete job monitorgrid-migrate",
            "kubectl apply -k",
            "kubectl -n monitorgrid-dev wait --for=condition=complete job/monitorgrid-migrate",
            "kubectl -n monitorgrid-dev rollout status deployment/monitorgrid-silo",
            "kubectl -n monitorgrid-dev rollout status deployment/monitorgrid-web",
        };
        Assert.All(steps, s => Assert.True(At(s) >= 0, $"never ran: {s}\n{string.Join('\n', log)}"));
        Assert.Equal(steps.Select(At).Order(), steps.Select(At));

        // Dev makes its missing Secrets: the app's connection string names the in-namespace PostgreSQL and its password.
        var postgres = log.Single(l => l.Contains("create secret generic monitorgrid-postgres", StringComparison.Ordinal));
        var password = postgres[(postgres.IndexOf("password=", StringComparison.Ordinal) + "password=".Length)..];
        Assert.True(password.Length >= 32, "the generated PostgreSQL password is short");
        var app = log.Single(l => l.Contains("create secret generic monitorgrid ", StringComparison.Ordinal));
        Assert.Contains($"connection-string=Host=postgres;Port=5432;Database=monitorgrid;Username=monitorgrid;Password={password} ", app, StringComparison.Ordinal);
        Assert.Contains("--from-literal=signing-key=", app, StringComparison.Ordinal);

        // What was applied is the dev overlay with this rollout's images.
        var applied = RenderApplied();
        Assert.Contains(applied, o => o.Text("kind") == "StatefulSet");
        var images = applied.Where(o => o.Name.StartsWith("monitorgrid-", StringComparison.Ordinal))
            .SelectMany(Kustomize.Containers).Select(c => c.Text("image")).Distinct().Order();
        Assert.Equal(["monitorgrid/silo:2026.11.23", "monitorgrid/web:2026.11.23"], images);
    }

    [Fact]
    public async Task Deploy_to_prod_without_its_secret_stops_before_applying_anything()
    {
        var (exit, log, output) = await RunAsync("deploy.sh", ["prod", "1.4.0"]);

        Assert.Equal(1, exit);
        Assert.Contains("Secret 'monitorgrid' is missing", output, StringComparison.Ordinal);
        Assert.DoesNotContain(log, l => l.Contains(" apply ", StringComparison.Ordinal) || l.Contains("create secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deploy_to_prod_without_a_tag_is_refused()
    {
        var (exit, log, output) = await RunAsync("deploy.sh", ["prod"]);

        Assert.NotEqual(0, exit);
        Assert.Contains("release tag is required", output, StringComparison.Ordinal);
        Assert.Empty(log);
    }

    /// <summary>Runs a script of <c>scripts/</c> with recording stand-ins for docker and kubectl first on PATH.</summary>
    private async Task<(int Exit, List<string> Log, string Output)> RunAsync(
        string script, string[] arguments, Dictionary<string, string>? environment = null)
    {
        var bin = Path.Combine(_work, "bin");
        Directory.CreateDirectory(bin);
        var log = Path.Combine(_work, "commands.log");
        File.WriteAllText(log, "");

        // A missing secret, namespace or job is what a fresh cluster answers; `apply -k` keeps what it was given.
        StandIn(bin, "docker", """echo "docker $*" >> "$STAND_IN_LOG" """);
        StandIn(bin, "kubectl", """
            echo "kubectl $*" >> "$STAND_IN_LOG"
            case "$*" in
              *" get secret "*|"get namespace "*) exit 1 ;;
              "apply -k "*) cp "$3/kustomization.yaml" "$STAND_IN_APPLIED" ;;
            esac
            """);

        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryPaths.Root(), "scripts", script), .. arguments]) { WorkingDirectory = _work };
        start.Environment["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["STAND_IN_LOG"] = log;
        start.Environment["STAND_IN_APPLIED"] = Path.Combine(_work, "applied.yaml");
        start.Environment.Remove("REGISTRY");
        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        var result = await ChildProcess.RunAsync(start, TimeSpan.FromMinutes(1));
        var lines = File.ReadAllLines(log).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        return (result.ExitCode, lines, result.All);
    }

    /// <summary>The kustomization the deploy script applied, rendered from where it made it (inside <c>k8s/</c>).</summary>
    private List<Map> RenderApplied()
    {
        var folder = Path.Combine(RepositoryPaths.Root(), "k8s", $".rollout.test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            File.Copy(Path.Combine(_work, "applied.yaml"), Path.Combine(folder, "kustomization.yaml"));
            return Kustomize.Render(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void StandIn(string bin, string name, string body)
    {
        var path = Path.Combine(bin, name);
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
