using System.Diagnostics.CodeAnalysis;

namespace MonitorGrid;

/// <summary>
/// One node of the hierarchy: <c>city</c>, <c>district:{id}</c>, <c>school:{id}</c>, <c>class:{id}</c>
/// or <c>student:{id}</c>.
/// </summary>
/// <param name="Kind">The level.</param>
/// <param name="Id">The roster id; empty for the city.</param>
[GenerateSerializer, Immutable, Alias("mg.Scope")]
public sealed record Scope(ScopeKind Kind, string Id)
{
    /// <summary>The whole city.</summary>
    public static Scope City { get; } = new(ScopeKind.City, string.Empty);

    /// <summary>A district scope.</summary>
    public static Scope District(string id) => new(ScopeKind.District, id);

    /// <summary>A school scope.</summary>
    public static Scope School(string id) => new(ScopeKind.School, id);

    /// <summary>A class scope.</summary>
    public static Scope Class(string id) => new(ScopeKind.Class, id);

    /// <summary>A student scope.</summary>
    public static Scope Student(string id) => new(ScopeKind.Student, id);

    /// <summary>Parses the wire form; false for anything that is not exactly one of the five shapes.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Scope? scope)
    {
        scope = null;
        if (text is null)
        {
            return false;
        }

        if (text == "city")
        {
            scope = City;
            return true;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        var id = text[(colon + 1)..];
        if (!Identifiers.IsValid(id))
        {
            return false;
        }

        ScopeKind? kind = text[..colon] switch
        {
            "district" => ScopeKind.District,
            "school" => ScopeKind.School,
            "class" => ScopeKind.Class,
            "student" => ScopeKind.Student,
            _ => null,
        };
        if (kind is null)
        {
            return false;
        }

        scope = new Scope(kind.Value, id);
        return true;
    }

    /// <summary>The wire form, e.g. <c>school:js-001</c>.</summary>
    public override string ToString() => Kind switch
    {
        ScopeKind.City => "city",
        ScopeKind.District => $"district:{Id}",
        ScopeKind.School => $"school:{Id}",
        ScopeKind.Class => $"class:{Id}",
        _ => $"student:{Id}",
    };
}

/// <summary>Where a node sits in the hierarchy: the ids of itself and every ancestor it has.</summary>
/// <param name="DistrictId">The district, when the node is at or below one.</param>
/// <param name="SchoolId">The school, when the node is at or below one.</param>
/// <param name="ClassId">The class, when the node is at or below one.</param>
/// <param name="StudentId">The student, for a student node.</param>
[GenerateSerializer, Immutable, Alias("mg.Lineage")]
public sealed record Lineage(string? DistrictId, string? SchoolId, string? ClassId, string? StudentId)
{
    /// <summary>Whether <paramref name="scope"/> is this node or one of its ancestors.</summary>
    public bool IsWithin(Scope scope) => scope.Kind switch
    {
        ScopeKind.City => true,
        ScopeKind.District => DistrictId == scope.Id,
        ScopeKind.School => SchoolId == scope.Id,
        ScopeKind.Class => ClassId == scope.Id,
        _ => StudentId == scope.Id,
    };
}
