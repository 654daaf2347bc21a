using MonitorGrid.Grains;

namespace MonitorGrid.Web.Auth;

/// <summary>Finds where a scope sits in the hierarchy, to check it against a caller's scope.</summary>
public sealed class ScopeDirectory(IGrainFactory grains)
{
    /// <summary>The lineage of <paramref name="scope"/>, or null when it is not in the roster.</summary>
    public async Task<Lineage?> LineageOfAsync(Scope scope)
    {
        switch (scope.Kind)
        {
            case ScopeKind.City:
                return new Lineage(null, null, null, null);
            case ScopeKind.District:
                return await grains.District(scope.Id).GetInfoAsync() is null ? null : new Lineage(scope.Id, null, null, null);
            case ScopeKind.School:
                return await grains.School(scope.Id).GetInfoAsync() is { } school
                    ? new Lineage(school.DistrictId, school.Id, null, null)
                    : null;
            case ScopeKind.Class:
                return await grains.Class(scope.Id).GetInfoAsync() is { } cls
                    ? new Lineage(cls.DistrictId, cls.SchoolId, cls.Id, null)
                    : null;
            default:
                return (await grains.Student(scope.Id).GetProfileAsync())?.Lineage;
        }
    }
}
