using System.Globalization;
using System.Text.RegularExpressions;
using MonitorGrid.Hosting;
using MonitorGrid.Persistence;

namespace MonitorGrid.Tests.Deployment;

/// <summary>
/// Every manifest under <c>k8s/</c>, read as files and as the <c>dev</c> and <c>prod</c> overlays render them,
/// checked against what the application and its Dockerfiles expect.
/// </summary>
public sealed partial class ManifestTests
{
    public static TheoryData<string> Overlays => new() { "dev", "prod" };

    private static string K8s => Path.Combine(RepositoryPaths.Root(), "k8s");

    [Fact]
    public void Every_manifest_file_is_valid_yaml_and_every_object_has_an_api_version_a_kind_and_a_name()
    {
        var files = Directory.GetFiles(K8s, "*.yaml", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}.rollout.", StringComparison.Ordinal)).ToList();
        Assert.True(files.Count >= 10, $"only {files.Count} manifest files found under {K8s}");
        foreach (var file in files)
        {
            var documents = Kustomize.Documents(file);
            Assert.True(documents.Count > 0, $"{file} holds no document");
            foreach (var document in documents.Where(d => d.TextOrNull("kind") != "Kustomization"))
            {
                Assert.False(string.IsNullOrEmpty(document.TextOrNull("apiVersion")), $"{file}: an object without apiVersion");
                Assert.False(string.IsNullOrEmpty(document.TextOrNull("kind")), $"{file}: an object without kind");
                Assert.False(string.IsNullOrEmpty(document.ChildOrNull("metadata")?.TextOrNull("name")), $"{file}: a {document.TextOrNull("kind")} without a name");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Each_overlay_renders_the_silo_and_web_deployments_the_migration_job_and_its_namespace(string overlay)
    {
        var objects = Render(overlay);

        Assert.Equal(["monitorgrid-silo", "monitorgrid-web"], Of(objects, "Deployment").Select(d => d.Name).Order());
        Assert.Equal(["monitorgrid-migrate"], Of(objects, "Job").Select(j => j.Name));
        Assert.Equal(["monitorgrid-web"], Of(objects, "Service").Where(s => s.Name != "postgres").Select(s => s.Name));
        var ns = overlay == "prod" ? "monitorgrid" : "monitorgrid-dev";
        Assert.All(objects, o => Assert.Equal(ns, o.Child("metadata").TextOrNull("namespace")));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_workload_selects_its_own_pods_and_every_service_and_budget_selects_the_pods_of_exactly_one_workload(string overlay)
    {
        var objects = Render(overlay);
        var workloads = objects.Where(o => o.Text("kind") is "Deployment" or "StatefulSet").ToList();
        foreach (var workload in workloads)
        {
            var selector = Labels(workload.Child("spec").Child("selector").Child("matchLabels"));
            Assert.True(selector.Count > 0, $"{workload.Name} has an empty selector");
            Assert.True(Selects(selector, PodLabels(workload)), $"{workload.Name}'s selector does not match its pod template");
        }

        foreach (var selecting in Of(objects, "Service").Concat(Of(objects, "PodDisruptionBudget")))
        {
            var spec = selecting.Child("spec");
            var selector = Labels(selecting.Text("kind") == "Service" ? spec.Child("selector") : spec.Child("selector").Child("matchLabels"));
            var selected = workloads.Where(w => Selects(selector, PodLabels(w))).Select(w => w.Name).ToList();
            Assert.True(selected.Count == 1, $"{selecting.Text("kind")} {selecting.Name} selects the pods of [{string.Join(", ", selected)}]");
        }

        var web = Of(objects, "Service").Single(s => s.Name == "monitorgrid-web");
        Assert.True(Selects(Labels(web.Child("spec").Child("selector")), PodLabels(workloads.Single(w => w.Name == "monitorgrid-web"))),
            "the web Service does not select the web pods");
        foreach (var service in Of(objects, "Service"))
        {
            Assert.NotEqual("ClientIP", service.Child("spec").TextOrNull("sessionAffinity"));
            var target = workloads.Single(w => Selects(Labels(service.Child("spec").Child("selector")), PodLabels(w)));
            foreach (var port in service.Child("spec").List("ports").Cast<Map>())
            {
                Assert.Contains(port.Text("targetPort"), Kustomize.Containers(target).SelectMany(PortNames));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Only_the_web_deployment_is_autoscaled_and_both_have_a_disruption_budget(string overlay)
    {
        var objects = Render(overlay);

        var autoscaled = Of(objects, "HorizontalPodAutoscaler").Select(h => h.Child("spec").Child("scaleTargetRef")).ToList();
        Assert.Equal([("Deployment", "monitorgrid-web")], autoscaled.Select(t => (t.Text("kind"), t.Text("name"))));
        var hpa = Of(objects, "HorizontalPodAutoscaler").Single().Child("spec");

        // The autoscaler owns the web's count: a number in the Deployment would reset it at every apply.
        Assert.Null(Of(objects, "Deployment").Single(d => d.Name == "monitorgrid-web").Child("spec").TextOrNull("replicas"));
        Assert.True(int.Parse(hpa.Text("minReplicas"), CultureInfo.InvariantCulture) <= int.Parse(hpa.Text("maxReplicas"), CultureInfo.InvariantCulture));
        var budgets = Of(objects, "PodDisruptionBudget").Select(p => Labels(p.Child("spec").Child("selector").Child("matchLabels"))).ToList();
        foreach (var deployment in Of(objects, "Deployment"))
        {
            Assert.Contains(budgets, b => Selects(b, PodLabels(deployment)));
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silo_and_web_containers_probe_liveness_locally_readiness_with_storage_and_start_up_long_enough_for_the_schema_wait(string overlay)
    {
        foreach (var deployment in Of(Render(overlay), "Deployment"))
        {
            var container = Kustomize.Containers(deployment).Single();
            var ports = PortNames(container).ToList();
            foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
            {
                var get = container.ChildOrNull(probe)?.ChildOrNull("httpGet");
                Assert.True(get is not null, $"{deployment.Name} has no HTTP {probe}");
                Assert.Contains(get.Text("port"), ports);
            }

            Assert.Equal(GridHealth.LivePath, container.Child("livenessProbe").Child("httpGet").Text("path"));
            Assert.Equal(GridHealth.LivePath, container.Child("startupProbe").Child("httpGet").Text("path"));
            Assert.Equal(GridHealth.ReadyPath, container.Child("readinessProbe").Child("httpGet").Text("path"));

            // The pods wait for the migration Job before they listen: the startup probe must outlast that wait.
            var startup = container.Child("startupProbe");
            var patience = TimeSpan.FromSeconds(Seconds(startup, "periodSeconds", 10) * Seconds(startup, "failureThreshold", 3));
            Assert.Equal("false", Env(container, "Grid__Schema__ApplyAtStart"));
            Assert.True(patience > TimeSpan.Parse(Env(container, "Grid__Schema__WaitTimeout")!, CultureInfo.InvariantCulture),
                $"{deployment.Name}: the startup probe gives up after {patience} while the schema wait lasts {Env(container, "Grid__Schema__WaitTimeout")}");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_pods_give_the_silo_configuration_its_identity_from_the_downward_api(string overlay)
    {
        foreach (var deployment in Of(Render(overlay), "Deployment"))
        {
            var container = Kustomize.Containers(deployment).Single();
            var labels = PodLabels(deployment);
            Assert.Equal("metadata.name", FieldRef(container, PodEnvironment.PodName));
            Assert.Equal("status.podIP", FieldRef(container, PodEnvironment.PodIp));
            Assert.Equal("metadata.namespace", FieldRef(container, PodEnvironment.PodNamespace));
            foreach (var (variable, label) in new[] { (PodEnvironment.ClusterId, "orleans/clusterId"), (PodEnvironment.ServiceId, "orleans/serviceId") })
            {
                Assert.Equal($"metadata.labels['{label}']", FieldRef(container, variable));
                Assert.True(labels.TryGetValue(label, out var value) && value.Length > 0, $"{deployment.Name}'s pods carry no {label} label");
            }

            Assert.Equal(("11111", "30000"), (Env(container, "Orleans__SiloPort"), Env(container, "Orleans__GatewayPort")));
            Assert.Contains("silo", PortNames(container));
            Assert.Contains("gateway", PortNames(container));
        }

        // The two Deployments form one cluster of one service.
        var identities = Of(Render(overlay), "Deployment").Select(d => (PodLabels(d)["orleans/clusterId"], PodLabels(d)["orleans/serviceId"])).Distinct();
        Assert.Single(identities);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Rollouts_never_drop_a_pod_first_and_a_stopping_silo_gets_longer_than_its_pause_and_shutdown_timeout(string overlay)
    {
        foreach (var deployment in Of(Render(overlay), "Deployment"))
        {
            var strategy = deployment.Child("spec").Child("strategy");
            Assert.Equal("RollingUpdate", strategy.Text("type"));
            Assert.Equal("0", strategy.Child("rollingUpdate").Text("maxUnavailable"));
            var container = Kustomize.Containers(deployment).Single();
            var shutdown = TimeSpan.Parse(Env(container, "Orleans__ShutdownTimeout") ?? "", CultureInfo.InvariantCulture);
            var grace = TimeSpan.FromSeconds(Seconds(Kustomize.PodSpec(deployment), "terminationGracePeriodSeconds", 30));
            var pause = container.ChildOrNull("lifecycle")?.ChildOrNull("preStop")?.ChildOrNull("exec")?.List("command") is [ "sleep", string seconds ]
                ? TimeSpan.FromSeconds(int.Parse(seconds, CultureInfo.InvariantCulture))
                : TimeSpan.Zero;
            Assert.True(grace > pause + shutdown, $"{deployment.Name}: grace {grace} is not longer than the preStop pause {pause} and the shutdown timeout {shutdown}");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_container_requests_cpu_without_a_cpu_limit_and_has_a_memory_limit(string overlay)
    {
        foreach (var workload in Render(overlay))
        {
            foreach (var container in Kustomize.Containers(workload))
            {
                var resources = container.ChildOrNull("resources");
                var what = $"{workload.Name}/{container.Text("name")}";
                Assert.True(resources?.ChildOrNull("requests")?.TextOrNull("cpu") is not null, $"{what} requests no CPU");
                Assert.True(resources.ChildOrNull("limits")?.TextOrNull("memory") is not null, $"{what} has no memory limit");
                Assert.True(resources.ChildOrNull("limits")?.TextOrNull("cpu") is null, $"{what} has a CPU limit");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_connection_string_and_the_signing_key_come_only_from_secrets(string overlay)
    {
        var containers = Render(overlay).SelectMany(Kustomize.Containers).ToList();
        foreach (var (variable, minimum) in new[] { ("ConnectionStrings__MonitorGrid", 3), ("Auth__SigningKey", 1), ("Auth__PreviousSigningKeys__0", 1) })
        {
            var uses = containers.SelectMany(EnvEntries).Where(e => e.Text("name") == variable).ToList();
            Assert.True(uses.Count >= minimum, $"{variable} is set in {uses.Count} containers");
            Assert.All(uses, e => Assert.Equal("monitorgrid", e.Child("valueFrom").Child("secretKeyRef").Text("name")));
        }

        // No literal value anywhere looks like a connection string with a password.
        Assert.DoesNotContain(containers.SelectMany(EnvEntries), e => e.TextOrNull("value")?.Contains("Password=", StringComparison.OrdinalIgnoreCase) == true);
        Assert.DoesNotContain(Render(overlay), o => o.Text("kind") == "Secret");
    }

    [Fact]
    public void Dev_runs_postgresql_in_a_stateful_set_and_prod_uses_an_external_one()
    {
        var dev = Render("dev");
        var postgres = Assert.Single(Of(dev, "StatefulSet"));
        Assert.Equal("postgres", postgres.Name);
        Assert.StartsWith("postgres:15", Kustomize.Containers(postgres).Single().Text("image"), StringComparison.Ordinal);
        Assert.NotEmpty(postgres.Child("spec").List("volumeClaimTemplates"));
        Assert.Contains(Of(dev, "Service"), s => s.Name == "postgres");

        var prod = Render("prod");
        Assert.Empty(Of(prod, "StatefulSet"));
        Assert.DoesNotContain(prod, o => o.Name.Contains("postgres", StringComparison.Ordinal)
            || o.Child("metadata").ChildOrNull("labels")?.TextOrNull("app.kubernetes.io/component") == "postgres");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_grid_image_is_built_by_the_dockerfile_of_its_project(string overlay)
    {
        foreach (var workload in Render(overlay).Where(o => o.Name.StartsWith("monitorgrid-", StringComparison.Ordinal)))
        {
            foreach (var container in Kustomize.Containers(workload))
            {
                var (name, tag) = Kustomize.SplitImage(container.Text("image"));
                Assert.False(string.IsNullOrEmpty(tag), $"{workload.Name} runs an untagged image");
                Assert.NotEqual("latest", tag);
                var project = name switch
                {
                    "monitorgrid/silo" => "silo",
                    "monitorgrid/web" => "web",
                    _ => throw new Xunit.Sdk.XunitException($"{workload.Name} runs {name}, which no Dockerfile here builds"),
                };
                var dockerfile = Dockerfile.Read(project);
                Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile.FinalBase, StringComparison.Ordinal);
                Assert.Equal(["dotnet", $"{AssemblyOf(project)}.dll"], dockerfile.Entrypoint);
                Assert.All(container.List("ports").Cast<Map>(), p => Assert.Contains(p.Text("containerPort"), dockerfile.Exposed));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_migration_job_runs_the_silo_image_with_the_migrate_command_once(string overlay)
    {
        var objects = Render(overlay);
        var job = Of(objects, "Job").Single();
        var container = Kustomize.Containers(job).Single();
        var silo = Kustomize.Containers(Of(objects, "Deployment").Single(d => d.Name == "monitorgrid-silo")).Single();

        Assert.Equal(silo.Text("image"), container.Text("image"));
        Assert.Equal([MigrateCommand.Name], container.List("args").Cast<string>());
        Assert.Contains(Kustomize.PodSpec(job).Text("restartPolicy"), new[] { "Never", "OnFailure" });
        Assert.NotNull(job.Child("spec").TextOrNull("backoffLimit"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_pods_run_as_non_root_without_a_kubernetes_api_token(string overlay)
    {
        var objects = Render(overlay);
        Assert.Equal("false", Of(objects, "ServiceAccount").Single().TextOrNull("automountServiceAccountToken"));
        foreach (var workload in objects.Where(o => o.Name.StartsWith("monitorgrid-", StringComparison.Ordinal) && Kustomize.Containers(o).Any()))
        {
            var pod = Kustomize.PodSpec(workload);
            Assert.Equal("false", pod.TextOrNull("automountServiceAccountToken"));
            Assert.Equal("true", pod.Child("securityContext").TextOrNull("runAsNonRoot"));
        }
    }

    [Fact]
    public void In_prod_the_silo_and_web_pods_spread_over_machines()
    {
        foreach (var deployment in Of(Render("prod"), "Deployment"))
        {
            var spread = Kustomize.PodSpec(deployment).List("topologySpreadConstraints").Cast<Map>().ToList();
            Assert.Contains(spread, c => c.Text("topologyKey") == "kubernetes.io/hostname"
                && Selects(Labels(c.Child("labelSelector").Child("matchLabels")), PodLabels(deployment))
                && Labels(c.Child("labelSelector").Child("matchLabels")).Count > 1);
        }
    }

    private static List<Map> Render(string overlay) => Kustomize.Render(Path.Combine(K8s, "overlays", overlay));

    private static IEnumerable<Map> Of(IEnumerable<Map> objects, string kind) => objects.Where(o => o.Text("kind") == kind);

    private static Dictionary<string, string> Labels(Map map) => map.ToDictionary(p => p.Key, p => (string)p.Value!, StringComparer.Ordinal);

    private static Dictionary<string, string> PodLabels(Map workload) => Labels(workload.Child("spec").Child("template").Child("metadata").Child("labels"));

    private static bool Selects(Dictionary<string, string> selector, Dictionary<string, string> labels) =>
        selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    private static IEnumerable<string> PortNames(Map container) => container.List("ports").Cast<Map>().Select(p => p.Text("name"));

    private static IEnumerable<Map> EnvEntries(Map container) => container.List("env").Cast<Map>();

    private static string? Env(Map container, string name) => EnvEntries(container).FirstOrDefault(e => e.Text("name") == name)?.TextOrNull("value");

    private static string? FieldRef(Map container, string name) =>
        EnvEntries(container).FirstOrDefault(e => e.Text("name") == name)?.ChildOrNull("valueFrom")?.ChildOrNull("fieldRef")?.TextOrNull("fieldPath");

    private static int Seconds(Map map, string key, int fallback) =>
        map.TextOrNull(key) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    /// <summary>The assembly a project builds: its AssemblyName, else the project file's name.</summary>
    private static string AssemblyOf(string project)
    {
        var file = Directory.GetFiles(Path.Combine(RepositoryPaths.Root(), project), "*.csproj").Single();
        return AssemblyName().Match(File.ReadAllText(file)) is { Success: true } m ? m.Groups[1].Value : Path.GetFileNameWithoutExtension(file);
    }

    [GeneratedRegex("<AssemblyName>([^<]+)</AssemblyName>")]
    private static partial Regex AssemblyName();
}
