using Microsoft.Extensions.Options;
using MonitorGrid.Grains;
using MonitorGrid.Infrastructure;
using MonitorGrid.Persistence;
using MonitorGrid.Web.Api;
using MonitorGrid.Web.Auth;
using MonitorGrid.Web.Infrastructure;

namespace MonitorGrid.Web.Roster;

/// <summary>
/// Validates a whole roster request against itself and what is stored, then applies it. Nothing is
/// applied unless every row is valid, so a request is all-or-nothing against bad input.
/// </summary>
public sealed partial class RosterWriter(
    IGrainFactory grains, IGridJournal journal, IGridInsights insights, TimeProvider time, IOptions<AuthOptions> auth, ILogger<RosterWriter> logger)
{
    public const int MaxNameLength = 100;
    public const int MinPasswordLength = 4;
    public const int MaxPasswordLength = 128;
    private const int Parallelism = 64;
    private const int BulkChunk = 5_000;

    public async Task<(RosterPlan? Plan, ValidationErrors Errors)> ValidateAsync(RosterRequest request, CancellationToken cancellationToken = default)
    {
        var errors = new ValidationErrors();
        var lookups = new StoredLookups(grains);

        var districts = new List<DistrictInfo>();
        var bodyDistricts = new Dictionary<string, DistrictInfo>(StringComparer.Ordinal);
        foreach (var (row, at) in Rows(request.Districts, "districts", errors))
        {
            var ok = CheckId(row.Id, $"{at}.id", errors, bodyDistricts.ContainsKey(row.Id ?? string.Empty));
            ok &= CheckName(row.Name, $"{at}.name", errors);
            if (ok)
            {
                var info = new DistrictInfo(row.Id!, row.Name!.Trim());
                bodyDistricts[info.Id] = info;
                districts.Add(info);
            }
        }

        var schools = new List<SchoolInfo>();
        var bodySchools = new Dictionary<string, SchoolInfo>(StringComparer.Ordinal);
        foreach (var (row, at) in Rows(request.Schools, "schools", errors))
        {
            var ok = CheckId(row.Id, $"{at}.id", errors, bodySchools.ContainsKey(row.Id ?? string.Empty));
            ok &= CheckName(row.Name, $"{at}.name", errors);
            if (!CheckId(row.DistrictId, $"{at}.districtId", errors))
            {
                continue;
            }

            if (!bodyDistricts.ContainsKey(row.DistrictId!) && await lookups.DistrictAsync(row.DistrictId!) is null)
            {
                errors.Add($"{at}.districtId", $"District '{row.DistrictId}' does not exist.");
                ok = false;
            }

            if (ok && await lookups.SchoolAsync(row.Id!) is { } stored && stored.DistrictId != row.DistrictId)
            {
                errors.Add($"{at}.districtId", $"School '{row.Id}' belongs to district '{stored.DistrictId}' and cannot move.");
                ok = false;
            }

            if (ok)
            {
                var info = new SchoolInfo(row.Id!, row.DistrictId!, row.Name!.Trim());
                bodySchools[info.Id] = info;
                schools.Add(info);
            }
        }

        var classes = new List<ClassInfo>();
        var bodyClasses = new Dictionary<string, ClassInfo>(StringComparer.Ordinal);
        foreach (var (row, at) in Rows(request.Classes, "classes", errors))
        {
            var ok = CheckId(row.Id, $"{at}.id", errors, bodyClasses.ContainsKey(row.Id ?? string.Empty));
            ok &= CheckName(row.Name, $"{at}.name", errors);
            if (row.Grade is not (>= 1 and <= 12))
            {
                errors.Add($"{at}.grade", "Required: a school year from 1 to 12.");
                ok = false;
            }

            if (!CheckId(row.SchoolId, $"{at}.schoolId", errors))
            {
                continue;
            }

            var school = bodySchools.GetValueOrDefault(row.SchoolId!) ?? await lookups.SchoolAsync(row.SchoolId!);
            if (school is null)
            {
                errors.Add($"{at}.schoolId", $"School '{row.SchoolId}' does not exist.");
                ok = false;
            }

            if (ok && await lookups.ClassAsync(row.Id!) is { } stored && stored.SchoolId != row.SchoolId)
            {
                errors.Add($"{at}.schoolId", $"Class '{row.Id}' belongs to school '{stored.SchoolId}' and cannot move.");
                ok = false;
            }

            if (ok)
            {
                var info = new ClassInfo(row.Id!, school!.Id, school.DistrictId, row.Grade!.Value, row.Name!.Trim());
                bodyClasses[info.Id] = info;
                classes.Add(info);
            }
        }

        var students = new List<StudentProfile>();
        var bodyStudents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (row, at) in Rows(request.Students, "students", errors))
        {
            var ok = CheckId(row.Id, $"{at}.id", errors, bodyStudents.Contains(row.Id ?? string.Empty));
            ok &= CheckName(row.Name, $"{at}.name", errors);
            var gender = row.Gender ?? string.Empty;
            if (gender is not ("" or "F" or "M"))
            {
                errors.Add($"{at}.gender", "F, M, or absent.");
                ok = false;
            }

            var focusGroups = new List<string>();
            for (var i = 0; i < (row.FocusGroups?.Count ?? 0); i++)
            {
                var group = row.FocusGroups![i];
                if (!Identifiers.IsValid(group))
                {
                    errors.Add($"{at}.focusGroups[{i}]", "A focus group is a name of 1-64 characters of A-Z a-z 0-9 . _ - (e.g. LeftBehind).");
                    ok = false;
                }
                else if (!focusGroups.Contains(group, StringComparer.Ordinal))
                {
                    focusGroups.Add(group);
                }
            }

            if (row.MentorId is not null && !Identifiers.IsValid(row.MentorId))
            {
                errors.Add($"{at}.mentorId", "A staff id: 1-64 characters of A-Z a-z 0-9 . _ -.");
                ok = false;
            }

            if (!CheckId(row.ClassId, $"{at}.classId", errors))
            {
                continue;
            }

            var cls = bodyClasses.GetValueOrDefault(row.ClassId!) ?? await lookups.ClassAsync(row.ClassId!);
            if (cls is null)
            {
                errors.Add($"{at}.classId", $"Class '{row.ClassId}' does not exist.");
                ok = false;
            }

            if (ok)
            {
                bodyStudents.Add(row.Id!);
                students.Add(new StudentProfile(row.Id!, row.Name!.Trim(), gender, cls!.Id, cls.SchoolId, cls.DistrictId, focusGroups.ToArray())
                {
                    MentorId = row.MentorId,
                });
            }
        }

        var staffRows = new List<(StaffRow Row, Role Role, Scope Scope, StaffAccount? Existing)>();
        var bodyStaff = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (row, at) in Rows(request.Staff, "staff", errors))
        {
            var ok = CheckId(row.Id, $"{at}.id", errors, bodyStaff.Contains(row.Id ?? string.Empty));
            ok &= CheckName(row.Name, $"{at}.name", errors);
            Role role = default;
            if (row.Role is null || !ObservationsApi.TryParseName(row.Role, out role))
            {
                errors.Add($"{at}.role", $"Required: one of {string.Join(", ", Enum.GetNames<Role>())}.");
                ok = false;
            }

            if (!Scope.TryParse(row.Scope, out var scope))
            {
                errors.Add($"{at}.scope", "Required: city, district:{id}, school:{id}, class:{id} or student:{id}.");
                ok = false;
            }
            else if (!ScopeExists(scope, bodyDistricts, bodySchools, bodyClasses, bodyStudents) && !await lookups.ExistsAsync(scope))
            {
                errors.Add($"{at}.scope", $"Scope '{scope}' does not exist.");
                ok = false;
            }

            StaffAccount? existing = null;
            if (ok)
            {
                existing = await grains.Staff(row.Id!).GetAccountAsync();
            }

            if (row.Password is not null && (row.Password.Length is < MinPasswordLength or > MaxPasswordLength))
            {
                errors.Add($"{at}.password", $"{MinPasswordLength}-{MaxPasswordLength} characters.");
                ok = false;
            }
            else if (row.Password is null && ok && existing is null)
            {
                errors.Add($"{at}.password", "Required for a new account.");
                ok = false;
            }

            if (ok)
            {
                bodyStaff.Add(row.Id!);
                staffRows.Add((row, role, scope!, existing));
            }
        }

        if (errors.Any)
        {
            return (null, errors);
        }

        // Hash only once the whole request is known to be valid: hashing is deliberately slow.
        var iterations = auth.Value.PasswordIterations;
        var staff = new StaffAccount[staffRows.Count];
        await Parallel.ForAsync(0, staffRows.Count, cancellationToken, (i, _) =>
        {
            var (row, role, scope, existing) = staffRows[i];
            var hash = row.Password is null ? existing!.PasswordHash : PasswordHasher.Hash(row.Password, iterations);
            staff[i] = new StaffAccount(row.Id!, row.Name!.Trim(), role, scope, hash);
            return ValueTask.CompletedTask;
        });

        return (new RosterPlan(districts, schools, classes, students, staff), errors);
    }

    public async Task<RosterCounts> ApplyAsync(RosterPlan plan, CancellationToken cancellationToken = default)
    {
        // Parents before children, so every delta finds its parent registered.
        var options = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(plan.Districts, options, async (d, _) => await grains.District(d.Id).RegisterAsync(d));
        await Parallel.ForEachAsync(plan.Schools, options, async (s, _) => await grains.School(s.Id).RegisterAsync(s));
        await Parallel.ForEachAsync(plan.Classes, options, async (c, _) => await grains.Class(c.Id).RegisterAsync(c));

        // The tree the boards drill down is written here, once per request in one statement, rather than
        // by each aggregate grain: a city's roster would otherwise cost a round trip per class. Written
        // after the grains, so a listed child always answers; a failure in between heals on the next PUT.
        await insights.RegisterNodesAsync(
            [.. plan.Districts.Select(d => new RosterNode(ScopeKind.District, d.Id, null)),
             .. plan.Schools.Select(s => new RosterNode(ScopeKind.School, s.Id, s.DistrictId)),
             .. plan.Classes.Select(c => new RosterNode(ScopeKind.Class, c.Id, c.SchoolId))],
            cancellationToken);
        var affected = new System.Collections.Concurrent.ConcurrentDictionary<Scope, byte>();

        // Students new to the grid are written to the status projection in bulk and stay inactive until
        // someone needs them; a city's roster would otherwise activate every student grain once.
        var now = time.GetUtcNow();
        var added = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in plan.Students.Chunk(BulkChunk))
        {
            added.UnionWith(await journal.RegisterNewAsync([.. chunk.Select(s => new StudentStatusRow(s, Tier.Green, null, 1, now))], cancellationToken));
        }

        foreach (var scope in plan.Students.Where(s => added.Contains(s.StudentId)).SelectMany(s => s.Aggregates))
        {
            affected.TryAdd(scope, 0);
        }

        // Students already registered go through their grain: it may be active, and a move or a new focus
        // group changes its status.
        await Parallel.ForEachAsync(plan.Students.Where(s => !added.Contains(s.StudentId)), options, async (s, _) =>
        {
            var previous = await grains.Student(s.StudentId).RegisterAsync(s);
            foreach (var scope in previous is null ? s.Aggregates : [.. s.Aggregates, .. previous.Aggregates])
            {
                affected.TryAdd(scope, 0);
            }
        });

        // Students joining, leaving or moving change counts: the aggregates they touch reload them.
        await Parallel.ForEachAsync(affected.Keys, options, async (scope, _) =>
            await ((IAggregateGrain)grains.ForScope(scope)).RefreshAsync());
        await Parallel.ForEachAsync(plan.Staff, options, async (s, _) => await grains.Staff(s.Id).RegisterAsync(s));
        var counts = plan.Counts;
        LogApplied(logger, counts.Districts, counts.Schools, counts.Classes, counts.Students, counts.Staff);
        return counts;
    }

    private static IEnumerable<(T Row, string At)> Rows<T>(IReadOnlyList<T?>? rows, string name, ValidationErrors errors)
        where T : class
    {
        for (var i = 0; i < (rows?.Count ?? 0); i++)
        {
            if (rows![i] is { } row)
            {
                yield return (row, $"{name}[{i}]");
            }
            else
            {
                errors.Add($"{name}[{i}]", "A row may not be null.");
            }
        }
    }

    private static bool CheckId(string? id, string field, ValidationErrors errors, bool duplicate = false)
    {
        if (!Identifiers.IsValid(id))
        {
            errors.Add(field, id is null ? "Required." : "Must be 1-64 characters of A-Z a-z 0-9 . _ -.");
            return false;
        }

        if (duplicate)
        {
            errors.Add(field, $"'{id}' appears twice in this request.");
            return false;
        }

        return true;
    }

    private static bool CheckName(string? name, string field, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength || name.Any(char.IsControl))
        {
            errors.Add(field, $"Required: 1-{MaxNameLength} printable characters.");
            return false;
        }

        return true;
    }

    private static bool ScopeExists(
        Scope scope, Dictionary<string, DistrictInfo> districts, Dictionary<string, SchoolInfo> schools,
        Dictionary<string, ClassInfo> classes, HashSet<string> students) => scope.Kind switch
        {
            ScopeKind.City => true,
            ScopeKind.District => districts.ContainsKey(scope.Id),
            ScopeKind.School => schools.ContainsKey(scope.Id),
            ScopeKind.Class => classes.ContainsKey(scope.Id),
            _ => students.Contains(scope.Id),
        };

    /// <summary>Stored roster entries, each asked for once per request.</summary>
    private sealed class StoredLookups(IGrainFactory grains)
    {
        private readonly Dictionary<string, DistrictInfo?> _districts = new(StringComparer.Ordinal);
        private readonly Dictionary<string, SchoolInfo?> _schools = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ClassInfo?> _classes = new(StringComparer.Ordinal);

        public async Task<DistrictInfo?> DistrictAsync(string id) =>
            _districts.TryGetValue(id, out var v) ? v : _districts[id] = await grains.District(id).GetInfoAsync();

        public async Task<SchoolInfo?> SchoolAsync(string id) =>
            _schools.TryGetValue(id, out var v) ? v : _schools[id] = await grains.School(id).GetInfoAsync();

        public async Task<ClassInfo?> ClassAsync(string id) =>
            _classes.TryGetValue(id, out var v) ? v : _classes[id] = await grains.Class(id).GetInfoAsync();

        public async Task<bool> ExistsAsync(Scope scope) => scope.Kind switch
        {
            ScopeKind.City => true,
            ScopeKind.District => await DistrictAsync(scope.Id) is not null,
            ScopeKind.School => await SchoolAsync(scope.Id) is not null,
            ScopeKind.Class => await ClassAsync(scope.Id) is not null,
            _ => await grains.Student(scope.Id).GetProfileAsync() is not null,
        };
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Roster upserted: {Districts} districts, {Schools} schools, {Classes} classes, {Students} students, {Staff} staff")]
    private static partial void LogApplied(ILogger logger, int districts, int schools, int classes, int students, int staff);
}
