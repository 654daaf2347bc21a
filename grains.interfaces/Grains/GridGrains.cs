namespace MonitorGrid.Grains;

/// <summary>
/// Grain keys for roster ids. Every key carries a prefix with a non-hexadecimal character, because the
/// AdoNet storage provider reads hexadecimal-looking string keys as integers ("020235" and "20235"
/// would load the same state).
/// </summary>
public static class GridGrains
{
    /// <summary>The city grain's key.</summary>
    public const string CityKey = "city";

    /// <summary>The student grain for a roster id.</summary>
    public static IStudentGrain Student(this IGrainFactory factory, string id) =>
        References<IStudentGrain>.Get(factory, "s:" + id);

    /// <summary>The class grain for a roster id.</summary>
    public static IClassGrain Class(this IGrainFactory factory, string id) =>
        References<IClassGrain>.Get(factory, "c:" + id);

    /// <summary>The school grain for a roster id.</summary>
    public static ISchoolGrain School(this IGrainFactory factory, string id) =>
        References<ISchoolGrain>.Get(factory, "h:" + id);

    /// <summary>The district grain for a roster id.</summary>
    public static IDistrictGrain District(this IGrainFactory factory, string id) =>
        References<IDistrictGrain>.Get(factory, "d:" + id);

    /// <summary>The city grain.</summary>
    public static ICityGrain City(this IGrainFactory factory) => References<ICityGrain>.Get(factory, CityKey);

    /// <summary>The staff grain for a roster id.</summary>
    public static IStaffGrain Staff(this IGrainFactory factory, string id) =>
        References<IStaffGrain>.Get(factory, "u:" + id);

    /// <summary>The grain through which an import's progress and cancellation travel between nodes.</summary>
    public static IImportGrain Import(this IGrainFactory factory, string importId) =>
        References<IImportGrain>.Get(factory, "i:" + importId);

    /// <summary>The grain that serves a scope's status and live updates.</summary>
    public static IScopeGrain ForScope(this IGrainFactory factory, Scope scope) => scope.Kind switch
    {
        ScopeKind.City => factory.City(),
        ScopeKind.District => factory.District(scope.Id),
        ScopeKind.School => factory.School(scope.Id),
        ScopeKind.Class => factory.Class(scope.Id),
        _ => factory.Student(scope.Id),
    };

    /// <summary>The roster id inside a grain key made here.</summary>
    public static string RosterId(string grainKey) =>
        grainKey.Length > 2 && grainKey[1] == ':' ? grainKey[2..] : grainKey;

    /// <summary>
    /// Makes references without resolving the grain type from the interface each time: Orleans'
    /// <c>GetGrain&lt;T&gt;(string)</c> reads the interface's attributes on every call, which showed in
    /// the request path's profile (docs/benchmarks.md). Grain types come from names, so they are the
    /// same for every factory in the process.
    /// </summary>
    private static class References<T>
        where T : IGrainWithStringKey
    {
        private static (GrainType Grain, GrainInterfaceType Interface)? _types;

        public static T Get(IGrainFactory factory, string key)
        {
            var types = _types ??= Resolve(factory);
            return (T)factory.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
        }

        private static (GrainType, GrainInterfaceType) Resolve(IGrainFactory factory)
        {
            var reference = (GrainReference)(object)factory.GetGrain<T>("type-probe");
            return (reference.GrainId.Type, reference.InterfaceType);
        }
    }
}
