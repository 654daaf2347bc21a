using Microsoft.Extensions.Options;
using MonitorGrid.Grains;
using MonitorGrid.Web.Api;
using MonitorGrid.Web.Auth;

namespace MonitorGrid.Web.Demo;

/// <summary>
/// Demo only: head teachers, subject teachers, committee members, safety officers and mentors
/// observing at <see cref="SimulatorOptions.Rate"/> a second, and psychology teachers who acknowledge
/// and resolve what they see, so that the boards move.
/// </summary>
public sealed partial class ObserverSimulator(
    IConfiguration configuration,
    IOptions<SimulatorOptions> options,
    IOptions<DemoCityOptions> size,
    GridSeeder seeder,
    ObservationService observations,
    IGrainFactory grains,
    TimeProvider time,
    ILogger<ObserverSimulator> logger) : BackgroundService
{
    private static readonly Category[] Everyday = [.. Enum.GetValues<Category>().Where(c => c != Category.SelfHarm)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var rate = options.Value.Rate;
        if (rate <= 0 || !MonitorGrid.Hosting.GridSiloExtensions.IsDemo(configuration))
        {
            return;
        }

        await seeder.Completion.WaitAsync(stoppingToken);
        var roster = DemoCity.Build(size.Value);
        var students = roster.Students!.Select(s => s!).ToArray();
        var classes = roster.Classes!.ToDictionary(c => c!.Id!, c => c!.SchoolId!);
        var schools = roster.Schools!.Select(s => s!.Id!).ToArray();
        LogStarted(logger, rate);

        var random = new Random(20261122);
        var tick = TimeSpan.FromMilliseconds(100);
        using var timer = new PeriodicTimer(tick);
        var owed = 0.0;
        var sinceTriage = TimeSpan.Zero;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            owed += rate * tick.TotalSeconds;
            var batch = new List<Task>();
            for (; owed >= 1; owed--)
            {
                var student = students[random.Next(students.Length)];
                var classId = student.ClassId!;
                var observer = PickObserver(random, classId, classes[classId]);
                var category = random.NextDouble() < options.Value.SelfHarmShare ? Category.SelfHarm : Everyday[random.Next(Everyday.Length)];
                var severity = random.NextDouble() switch { < 0.6 => 1, < 0.9 => 2, _ => 3 };
                batch.Add(observations.SubmitAsync(observer, student.Id!, category, severity, null, null, null));
            }

            sinceTriage += tick;
            if (sinceTriage >= TimeSpan.FromSeconds(2))
            {
                sinceTriage = TimeSpan.Zero;
                batch.Add(TriageAsync(schools[random.Next(schools.Length)]));
            }

            try
            {
                await Task.WhenAll(batch);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
    }

    private static Caller PickObserver(Random random, string classId, string schoolId) => random.Next(6) switch
    {
        0 => new Caller($"ht-{classId}", Role.HeadTeacher, Scope.Class(classId)),
        1 => new Caller($"st-{classId}", Role.SubjectTeacher, Scope.Class(classId)),
        2 => new Caller($"cm-{classId}-1", Role.CommitteeMember, Scope.Class(classId)),
        3 => new Caller($"cm-{classId}-2", Role.CommitteeMember, Scope.Class(classId)),
        4 => new Caller($"safety-{schoolId}", Role.SafetyOfficer, Scope.School(schoolId)),
        _ => new Caller($"mentor-{schoolId}", Role.Mentor, Scope.School(schoolId)),
    };

    /// <summary>A psychology teacher's round: acknowledge what has waited a while, resolve what has waited long.</summary>
    private async Task TriageAsync(string schoolId)
    {
        var status = await grains.School(schoolId).GetStatusAsync();
        if (status is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        var actor = new Actor($"psy-{schoolId}", Role.PsychTeacher);
        foreach (var alert in status.OpenAlerts)
        {
            var waited = now - alert.RaisedAt;
            var student = grains.Student(alert.StudentId);
            if (waited >= options.Value.ResolveAfter)
            {
                await student.ResolveAlertAsync(alert.AlertId, actor, "模拟：已谈心谈话，情况稳定");
            }
            else if (alert.State == AlertState.Open && waited >= options.Value.ResolveAfter / 4)
            {
                await student.AcknowledgeAlertAsync(alert.AlertId, actor);
            }
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Observer simulator running at {Rate} observations/s")]
    private static partial void LogStarted(ILogger logger, double rate);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "A simulated observation failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
