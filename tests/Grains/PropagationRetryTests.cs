using Microsoft.Extensions.DependencyInjection;
using MonitorGrid.Grains;
using MonitorGrid.Hosting;
using MonitorGrid.Persistence;
using Orleans.TestingHost;

namespace MonitorGrid.Tests.Grains;

/// <summary>
/// A change that is durable but cannot reach the hierarchy at once (here: the school cannot activate)
/// still answers with its receipt, and the student sends its status again until aggregates that stayed
/// active have it. Own cluster, real clock, and a journal that can refuse one scope's load.
/// </summary>
public sealed class PropagationRetryTests : IAsyncLifetime
{
    private readonly FlakyJournal _journal = new();
    private InProcessTestCluster _cluster = null!;

    private IGrainFactory Grains => _cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddSingleton<IGridJournal>(_journal);
            host.Services.AddMonitorGridGrainServices();
        });
        builder.ConfigureSilo((_, silo) => silo.ConfigureMonitorGridGrains());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_committed_change_the_hierarchy_could_not_take_reaches_an_active_district_later()
    {
        var district = new DistrictInfo("pr-d", "区");
        var school = new SchoolInfo("pr-h", district.Id, "中学");
        var cls = new ClassInfo("pr-c", school.Id, district.Id, 7, "七(1)班");
        var profile = new StudentProfile("pr-s", "学生", "F", cls.Id, school.Id, district.Id, []);
        await Grains.District(district.Id).RegisterAsync(district);
        await Grains.School(school.Id).RegisterAsync(school);
        await Grains.Class(cls.Id).RegisterAsync(cls);
        await Grains.Student(profile.StudentId).RegisterAsync(profile);

        // Every grain goes; then only the district comes back, with the student counted Green.
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(new TierCounts(1, 0, 0, 0), (await Grains.District(district.Id).GetStatusAsync())!.Counts);

        _journal.RefuseLoadsOf = Scope.School(school.Id);
        var receipt = await Grains.Student(profile.StudentId).ObserveAsync(new Observation(
            "pr-o1", profile.StudentId, Category.SelfHarm, 1, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "t", Role.HeadTeacher));

        Assert.Equal(Tier.Red, receipt.Tier);
        await Task.Delay(300);
        Assert.Equal(new TierCounts(1, 0, 0, 0), (await Grains.District(district.Id).GetStatusAsync())!.Counts);

        _journal.RefuseLoadsOf = null;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        ScopeStatus status;
        do
        {
            await Task.Delay(200);
            status = (await Grains.District(district.Id).GetStatusAsync())!;
        }
        while (status.Counts.Red == 0 && DateTime.UtcNow < deadline);

        Assert.Equal(new TierCounts(0, 0, 0, 1), status.Counts);
        Assert.Equal(receipt.AlertId, Assert.Single(status.OpenAlerts).AlertId);
    }

    /// <summary>The in-memory journal, refusing to load one scope while told to.</summary>
    private sealed class FlakyJournal : IGridJournal
    {
        private readonly InMemoryGridJournal _inner = new();

        public volatile Scope? RefuseLoadsOf;

        public Task<CommitOutcome> CommitAsync(StudentCommit commit, CancellationToken cancellationToken = default) =>
            _inner.CommitAsync(commit, cancellationToken);

        public Task<IReadOnlySet<string>> RegisterNewAsync(IReadOnlyList<StudentStatusRow> rows, CancellationToken cancellationToken = default) =>
            _inner.RegisterNewAsync(rows, cancellationToken);

        public Task<StudentHistory> ReadStudentAsync(string studentId, long afterVersion, CancellationToken cancellationToken = default) =>
            _inner.ReadStudentAsync(studentId, afterVersion, cancellationToken);

        public Task<ObservationReceipt?> FindReceiptAsync(string observerId, string idempotencyKey, CancellationToken cancellationToken = default) =>
            _inner.FindReceiptAsync(observerId, idempotencyKey, cancellationToken);

        public Task<ScopeProjection> LoadScopeAsync(Scope scope, CancellationToken cancellationToken = default) =>
            scope == RefuseLoadsOf
                ? throw new JournalUnavailableException($"Refusing to load {scope} for the test.")
                : _inner.LoadScopeAsync(scope, cancellationToken);

        public Task<IReadOnlyList<StoredScreening>> FindScreeningsAsync(
            IReadOnlyList<(string StudentId, string Key)> keys, CancellationToken cancellationToken = default) =>
            _inner.FindScreeningsAsync(keys, cancellationToken);

        public Task<IReadOnlySet<(string StudentId, string Key)>> RecordQuietScreeningsAsync(
            IReadOnlyList<(string StudentId, ScreeningResult Result)> results, Actor importer, Scope scope, DateTimeOffset now,
            CancellationToken cancellationToken = default) =>
            _inner.RecordQuietScreeningsAsync(results, importer, scope, now, cancellationToken);

        public Task<IReadOnlyDictionary<string, StudentProfile>> ReadProfilesAsync(
            IReadOnlyCollection<string> studentIds, CancellationToken cancellationToken = default) =>
            _inner.ReadProfilesAsync(studentIds, cancellationToken);
    }
}
