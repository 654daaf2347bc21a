using Microsoft.AspNetCore.Http.HttpResults;
using MonitorGrid.Grains;
using MonitorGrid.Web.Auth;
using MonitorGrid.Web.Infrastructure;

namespace MonitorGrid.Web.Api;

public static class ScopesApi
{
    public static RouteGroupBuilder MapScopesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/scopes").WithTags("Scopes").RequireAuthorization();
        group.MapGet("/{scope}", GetStatusAsync).WithName("GetScopeStatus");
        return group;
    }

    private static async Task<Results<Ok<ScopeStatus>, ProblemHttpResult>> GetStatusAsync(
        string scope, HttpContext http, IGrainFactory grains, ScopeDirectory directory)
    {
        var caller = Caller.From(http.User);
        var (target, problem) = await ScopeAccess.ReadableAsync(scope, caller, directory);
        if (problem is not null)
        {
            return problem;
        }

        var status = await grains.ForScope(target!).GetStatusAsync();
        if (status is null)
        {
            return Problems.NotFound($"No scope '{target}'.");
        }

        return TypedResults.Ok(Permissions.SeesIdentities(caller!.Role) ? status : status.Redacted());
    }
}

/// <summary>The one check for reading a scope, shared by the API and the hub.</summary>
public static class ScopeAccess
{
    /// <summary>The parsed scope when <paramref name="caller"/> may read it, else the problem to answer (400, 403 or 404).</summary>
    public static async Task<(Scope? Target, ProblemHttpResult? Problem)> ReadableAsync(string scope, Caller? caller, ScopeDirectory directory)
    {
        if (!Scope.TryParse(scope, out var target))
        {
            return (null, Problems.BadRequest($"'{scope}' is not a scope: use city, district:{{id}}, school:{{id}}, class:{{id}} or student:{{id}}."));
        }

        return (target, await CheckAsync(caller, target, directory));
    }

    /// <summary>Null when <paramref name="caller"/> may read <paramref name="target"/>; otherwise the problem to answer.</summary>
    public static async Task<ProblemHttpResult?> CheckAsync(Caller? caller, Scope target, ScopeDirectory directory)
    {
        if (caller is null || !Permissions.CanReadScope(caller.Role))
        {
            return Problems.Forbidden("This role submits observations only and sees no boards.");
        }

        var lineage = await directory.LineageOfAsync(target);
        if (lineage is null)
        {
            return Problems.NotFound($"No scope '{target}'.");
        }

        return lineage.IsWithin(caller.Scope)
            ? null
            : Problems.Forbidden($"'{target}' is outside your scope {caller.Scope}.");
    }
}
