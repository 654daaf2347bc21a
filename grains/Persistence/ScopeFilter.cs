namespace MonitorGrid.Persistence;

/// <summary>Which rows of the status projection lie under a scope, for every query that asks (the journal and the read models).</summary>
internal static class ScopeFilter
{
    /// <summary>The condition on <c>grid_student_status</c> aliased <c>s</c>; <c>$1</c> is <see cref="IdOf"/>.</summary>
    public static string On(Scope scope) => scope.Kind switch
    {
        ScopeKind.City => "$1::text IS NULL",
        ScopeKind.District => "s.district_id = $1",
        ScopeKind.School => "s.school_id = $1",
        ScopeKind.Class => "s.class_id = $1",
        _ => "s.student_id = $1",
    };

    /// <summary>The value of <c>$1</c>: the scope's id, null for the city.</summary>
    public static string? IdOf(Scope scope) => scope.Kind == ScopeKind.City ? null : scope.Id;

    /// <summary><c>$1</c> as a parameter.</summary>
    public static Npgsql.NpgsqlParameter IdParameter(Scope scope) =>
        new() { Value = (object?)IdOf(scope) ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text };
}
