using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using MonitorGrid.Web.Auth;

namespace MonitorGrid.Web.Api;

/// <summary>
/// What the node is using right now. <c>ResidentBytes</c> is the process's resident set (the figure a
/// memory limit applies to), <c>GcHeapBytes</c> the managed heap after the last collection,
/// <c>GcAllocatedBytes</c> all bytes allocated since start, and <c>Activations</c> this silo's grain
/// activations by kind (<c>student</c>, <c>class</c> …).
/// </summary>
public sealed record RuntimeSnapshot(
    DateTimeOffset At,
    int ProcessId,
    double UptimeSeconds,
    double CpuSeconds,
    long ResidentBytes,
    long GcHeapBytes,
    long GcAllocatedBytes,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    int ThreadPoolThreads,
    int TotalActivations,
    IReadOnlyDictionary<string, int> Activations);

/// <summary>
/// Operator diagnostics. <c>runtime</c> is for Admins and the benchmark's sampler; <c>noop</c> is the
/// transport baseline: the same authentication and JSON binding as an observation, and nothing else.
/// </summary>
public static class DiagnosticsApi
{
    public static RouteGroupBuilder MapDiagnosticsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/diagnostics").WithTags("Diagnostics").RequireAuthorization();
        group.MapGet("/runtime", GetRuntimeAsync).WithName("GetRuntime")
            .RequireAuthorization(policy => policy.RequireClaim(Caller.RoleClaim, nameof(Role.Admin)));
        group.MapPost("/noop", NoOp).WithName("NoOp");
        return group;
    }

    private static NoContent NoOp(ObservationRequest request) => TypedResults.NoContent();

    private static async Task<Ok<RuntimeSnapshot>> GetRuntimeAsync(IGrainFactory grains, ILocalSiloDetails silo, TimeProvider time)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics([silo.SiloAddress]);
        var activations = statistics
            .GroupBy(s => KindOf(s.GrainType))
            .ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount), StringComparer.Ordinal);
        using var process = Process.GetCurrentProcess();
        var memory = GC.GetGCMemoryInfo();
        return TypedResults.Ok(new RuntimeSnapshot(
            time.GetUtcNow(),
            Environment.ProcessId,
            (DateTime.Now - process.StartTime).TotalSeconds,
            process.TotalProcessorTime.TotalSeconds,
            process.WorkingSet64,
            memory.HeapSizeBytes,
            GC.GetTotalAllocatedBytes(),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            ThreadPool.ThreadCount,
            activations.Values.Sum(),
            activations));
    }

    /// <summary>"MonitorGrid.Grains.StudentGrain,MonitorGrid.Grains" → "student"; Orleans' own grains keep their type name.</summary>
    private static string KindOf(string grainType)
    {
        var name = grainType.Split(',')[0];
        name = name[(name.LastIndexOf('.') + 1)..];
        return name.StartsWith("Grain", StringComparison.Ordinal) || !name.EndsWith("Grain", StringComparison.Ordinal)
            ? name
            : name[..^"Grain".Length].ToLowerInvariant();
    }
}
