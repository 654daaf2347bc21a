using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Caching.Memory;
using MonitorGrid.Grains;
using MonitorGrid.Persistence;
using MonitorGrid.Web.Auth;
using MonitorGrid.Web.Infrastructure;

namespace MonitorGrid.Web.Api;

/// <summary>A unit directly below a scope, for drilling down.</summary>
/// <param name="Scope">The child's scope, e.g. <c>school:js-001</c>.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Counts">Students per tier below it.</param>
/// <param name="OpenAlerts">How many open alerts its own board lists (a count, so shown to every board role).</param>
public sealed record ScopeChild(string Scope, string Name, TierCounts Counts, int OpenAlerts);

/// <summary>One category's observations in a period.</summary>
public sealed record CategoryCount(Category Category, int Count);

/// <summary>Observations under a scope in [<paramref name="From"/>, <paramref name="To"/>) by category, every category listed.</summary>
public sealed record CategoryBreakdown(string Scope, DateTimeOffset From, DateTimeOffset To, int Observations, CategoryCount[] Categories);

/// <summary>
/// What a board shows besides its live status: the units below it, a 30-day tier trend and the
/// categories reported. Additions to the contract; same access rule as <c>GET /api/scopes/{scope}</c>.
/// </summary>
public static class ScopeInsightsApi
{
    public const int MaxDays = 90;

    // A wall of boards asks for the same trend every minute: one query per scope per interval is enough.
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);

    public static RouteGroupBuilder MapScopeInsightsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/scopes").WithTags("Scopes").RequireAuthorization();
        group.MapGet("/{scope}/children", GetChildrenAsync).WithName("GetScopeChildren");
        group.MapGet("/{scope}/trend", GetTrendAsync).WithName("GetScopeTrend");
        group.MapGet("/{scope}/categories", GetCategoriesAsync).WithName("GetScopeCategories");
        return group;
    }

    private static async Task<Results<Ok<ScopeChild[]>, ProblemHttpResult>> GetChildrenAsync(
        string scope, HttpContext http, IGrainFactory grains, ScopeDirectory directory, IGridInsights insights, CancellationToken cancellationToken)
    {
        var (target, problem) = await ScopeAccess.ReadableAsync(scope, Caller.From(http.User), directory);
        if (problem is not null)
        {
            return problem;
        }

        var below = await insights.ChildrenAsync(target!, cancellationToken);
        var statuses = await Task.WhenAll(below.Select(child => grains.ForScope(child).GetStatusAsync()));
        ScopeChild[] children = [.. statuses.OfType<ScopeStatus>().Select(s => new ScopeChild(s.Scope, s.Name, s.Counts, s.OpenAlerts.Length))];
        return TypedResults.Ok(children);
    }

    private static async Task<Results<Ok<ScopeTrend>, ValidationProblem, ProblemHttpResult>> GetTrendAsync(
        string scope, int? days, HttpContext http, ScopeDirectory directory, IGridInsights insights, IMemoryCache cache,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (ValidateDays(days) is { } invalid)
        {
            return invalid;
        }

        var (target, problem) = await ScopeAccess.ReadableAsync(scope, Caller.From(http.User), directory);
        if (problem is not null)
        {
            return problem;
        }

        var span = days ?? 30;
        var now = time.GetUtcNow();
        // Keyed by the Beijing day as well, so a trend cached before midnight is not served after it.
        var trend = await cache.GetOrCreateAsync(("trend", target!, span, TierTrend.DayOf(now)), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            var history = await insights.LoadTierHistoryAsync(target!, TierTrend.StartOf(TierTrend.FirstDay(now, span)), cancellationToken);
            return new ScopeTrend(target!.ToString(), TierTrend.TimeZoneName, TierTrend.Build(history, now, span));
        });
        return TypedResults.Ok(trend!);
    }

    private static async Task<Results<Ok<CategoryBreakdown>, ValidationProblem, ProblemHttpResult>> GetCategoriesAsync(
        string scope, int? days, HttpContext http, ScopeDirectory directory, IGridInsights insights, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (ValidateDays(days) is { } invalid)
        {
            return invalid;
        }

        var (target, problem) = await ScopeAccess.ReadableAsync(scope, Caller.From(http.User), directory);
        if (problem is not null)
        {
            return problem;
        }

        var to = time.GetUtcNow();
        var from = to.AddDays(-(days ?? 30));
        var counts = await insights.CountCategoriesAsync(target!, from, to, cancellationToken);
        CategoryCount[] categories = [.. Enum.GetValues<Category>().Select(c => new CategoryCount(c, counts.GetValueOrDefault(c)))];
        return TypedResults.Ok(new CategoryBreakdown(target!.ToString(), from, to, categories.Sum(c => c.Count), categories));
    }

    private static ValidationProblem? ValidateDays(int? days)
    {
        if (days is null or (>= 1 and <= MaxDays))
        {
            return null;
        }

        var errors = new ValidationErrors();
        errors.Add("days", $"Between 1 and {MaxDays}.");
        return errors.ToProblem();
    }
}
