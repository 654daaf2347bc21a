using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MonitorGrid.Grains;
using MonitorGrid.Hosting;
using Orleans.TestingHost;

namespace MonitorGrid.Tests.Infrastructure;

/// <summary>
/// An in-process cluster of one silo with the grid's grains and a <see cref="FakeTimeProvider"/>, so
/// tests decide what time it is. Tests use their own roster ids, so they share the cluster safely.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddSingleton<TimeProvider>(Time);
            host.Services.KeepRuntimeOnRealTime();
            host.Services.AddMonitorGridGrainServices();
        });
        builder.ConfigureSilo((_, silo) => silo.ConfigureMonitorGridGrains());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Registers a district → school → class → students tree with ids made unique by <paramref name="prefix"/>.</summary>
    public async Task<TestTree> CreateTreeAsync(string prefix, int classes = 1, int studentsPerClass = 3, bool focusGroup = false)
    {
        var district = new DistrictInfo($"{prefix}-d", $"{prefix} 区");
        var school = new SchoolInfo($"{prefix}-h", district.Id, $"{prefix} 中学");
        await Grains.District(district.Id).RegisterAsync(district);
        await Grains.School(school.Id).RegisterAsync(school);
        var classInfos = new List<ClassInfo>();
        var students = new List<StudentProfile>();
        for (var c = 1; c <= classes; c++)
        {
            var cls = new ClassInfo($"{prefix}-c{c}", school.Id, district.Id, 7, $"七({c})班");
            await Grains.Class(cls.Id).RegisterAsync(cls);
            classInfos.Add(cls);
            for (var s = 1; s <= studentsPerClass; s++)
            {
                var profile = new StudentProfile($"{prefix}-c{c}-s{s}", $"学生{s}", "F", cls.Id, school.Id, district.Id,
                    focusGroup ? ["LeftBehind"] : []);
                students.Add(profile);
            }
        }

        await RegisterStudentsAsync(students);

        return new TestTree(district, school, classInfos, students);
    }

    /// <summary>
    /// Registers (or moves) students and then, as the roster does, asks every aggregate they joined or left
    /// to reload its counts.
    /// </summary>
    public async Task RegisterStudentsAsync(IEnumerable<StudentProfile> profiles)
    {
        var touched = new HashSet<Scope> { Scope.City };
        foreach (var profile in profiles)
        {
            var previous = await Grains.Student(profile.StudentId).RegisterAsync(profile);
            touched.UnionWith(profile.Aggregates);
            touched.UnionWith(previous?.Aggregates ?? []);
        }

        await Task.WhenAll(touched.Select(scope => ((IAggregateGrain)Grains.ForScope(scope)).RefreshAsync()));
    }

    /// <summary>An observation made now (by the fake clock) unless <paramref name="observedAt"/> says otherwise.</summary>
    public Observation Observe(
        string studentId, Category category, int severity, string observer = "t-1", DateTimeOffset? observedAt = null) =>
        new(Guid.NewGuid().ToString("N"), studentId, category, severity, null, observedAt ?? Time.GetUtcNow(),
            Time.GetUtcNow(), observer, Role.HeadTeacher);
}

public sealed record TestTree(DistrictInfo District, SchoolInfo School, IReadOnlyList<ClassInfo> Classes, IReadOnlyList<StudentProfile> Students);
