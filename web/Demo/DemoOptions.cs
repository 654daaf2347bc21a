using System.ComponentModel.DataAnnotations;

namespace MonitorGrid.Web.Demo;

/// <summary>The <c>Grid:DemoCity</c> section: the size of the seeded city.</summary>
public sealed class DemoCityOptions
{
    public const string Section = "Grid:DemoCity";

    [Range(1, 20)] public int Districts { get; set; } = 2;
    [Range(1, 100)] public int SchoolsPerDistrict { get; set; } = 4;
    [Range(1, 60)] public int ClassesPerSchool { get; set; } = 6;
    [Range(1, 80)] public int StudentsPerClass { get; set; } = 40;
}

/// <summary>The <c>Grid:Simulator</c> section: observers that make the boards move in the demo.</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Grid:Simulator";

    /// <summary>Observations a second; 0 turns the simulator off. <c>--simulate N</c> on the command line sets it.</summary>
    [Range(0.0, 10_000.0)] public double Rate { get; set; }

    /// <summary>Share of simulated observations that are self-harm signs.</summary>
    [Range(0.0, 1.0)] public double SelfHarmShare { get; set; } = 0.005;

    /// <summary>How long a simulated psychology teacher leaves an alert before resolving it.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan ResolveAfter { get; set; } = TimeSpan.FromMinutes(2);
}
