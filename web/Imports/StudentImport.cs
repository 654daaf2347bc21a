using System.Globalization;
using MonitorGrid.Grains;
using MonitorGrid.Persistence;
using MonitorGrid.Web.Imports.Csv;
using MonitorGrid.Web.Roster;

namespace MonitorGrid.Web.Imports;

/// <summary>
/// Student rosters: one row per student, optionally with the class, school and district it sits in. Rows
/// go to the roster API's own validation and writing in chunks, so the rules are exactly the API's; a
/// row that breaks one is taken out of its chunk whole (its student and the units it defines) and the
/// rest of the chunk is checked again. Students and units already stored as the file has them are not
/// written again, so a file imported twice changes nothing.
/// </summary>
public sealed class StudentImport(RosterWriter writer, IGridJournal journal, IGrainFactory grains) : IImportProcessor
{
    public const int ChunkSize = 2_000;

    /// <summary>Checking a chunk again after taking bad rows out stops after this many rounds.</summary>
    private const int Rounds = 6;

    public static readonly CsvColumn StudentId = new("学号", true, "studentId", "student", "studentNo", "学生编号");
    public static readonly CsvColumn Name = new("姓名", true, "name", "studentName", "学生姓名");
    public static readonly CsvColumn Gender = new("性别", false, "gender", "sex");
    public static readonly CsvColumn ClassId = new("班级编号", true, "classId", "班级代码");
    public static readonly CsvColumn FocusGroups = new("关爱类别", false, "focusGroups", "focusGroup", "重点关爱类别", "五类儿童");
    public static readonly CsvColumn MentorId = new("成长导师", false, "mentorId", "mentor", "导师工号");
    public static readonly CsvColumn ClassName = new("班级名称", false, "className", "班级");
    public static readonly CsvColumn Grade = new("年级", false, "grade");
    public static readonly CsvColumn SchoolId = new("学校编号", false, "schoolId", "学校代码");
    public static readonly CsvColumn SchoolName = new("学校名称", false, "schoolName", "学校");
    public static readonly CsvColumn DistrictId = new("区编号", false, "districtId", "区县编号", "区代码");
    public static readonly CsvColumn DistrictName = new("区名称", false, "districtName", "区县名称", "区县");

    /// <summary>The vulnerable groups as the UI names them in Chinese, accepted besides their names.</summary>
    private static readonly Dictionary<string, string> FocusGroupNames = new(StringComparer.Ordinal)
    {
        ["留守儿童"] = "LeftBehind", ["单亲或离异家庭"] = "SingleParent", ["单亲家庭"] = "SingleParent", ["离异家庭"] = "SingleParent",
        ["随迁子女"] = "Migrant", ["慢性疾病或身体原因"] = "ChronicIllness", ["慢性疾病"] = "ChronicIllness",
        ["已知心理问题"] = "KnownCondition", ["经济困难"] = "EconomicHardship", ["学业压力大"] = "AcademicPressure",
    };

    private static readonly char[] Separators = [';', '；', '、', '，', '|'];

    /// <summary>Which file column a roster API field came from.</summary>
    private static readonly Dictionary<string, CsvColumn> FieldColumns = new(StringComparer.Ordinal)
    {
        ["students.id"] = StudentId, ["students.name"] = Name, ["students.gender"] = Gender, ["students.classId"] = ClassId,
        ["students.focusGroups"] = FocusGroups, ["students.mentorId"] = MentorId,
        ["classes.id"] = ClassId, ["classes.schoolId"] = SchoolId, ["classes.grade"] = Grade, ["classes.name"] = ClassName,
        ["schools.id"] = SchoolId, ["schools.districtId"] = DistrictId, ["schools.name"] = SchoolName,
        ["districts.id"] = DistrictId, ["districts.name"] = DistrictName,
    };

    public ImportKind Kind => ImportKind.Students;

    public IReadOnlyList<CsvColumn> Columns { get; } =
        [StudentId, Name, Gender, ClassId, FocusGroups, MentorId, ClassName, Grade, SchoolId, SchoolName, DistrictId, DistrictName];

    public async Task RunAsync(ImportContext context, IAsyncEnumerable<CsvRecord> rows)
    {
        var file = new FileUnits();
        var chunk = new List<Parsed>(ChunkSize);
        await foreach (var record in rows)
        {
            if (Parse(context, file, record) is { } parsed)
            {
                chunk.Add(parsed);
                if (chunk.Count == ChunkSize)
                {
                    await ApplyAsync(context, file, chunk);
                    chunk.Clear();
                }
            }
        }

        if (chunk.Count > 0)
        {
            await ApplyAsync(context, file, chunk);
        }
    }

    private static Parsed? Parse(ImportContext context, FileUnits file, CsvRecord record)
    {
        var header = context.Header;
        var row = record.Row;
        var errors = new List<RowError>();
        string? Cell(CsvColumn column) => header.Get(record, column);

        var gender = Cell(Gender) switch
        {
            null => null,
            "男" or "M" or "m" => "M",
            "女" or "F" or "f" => "F",
            var other => other,
        };

        var groups = Cell(FocusGroups)?.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(g => FocusGroupNames.GetValueOrDefault(g, g)).ToArray();
        var student = new StudentRow(Cell(StudentId), Cell(ClassId), Cell(Name), gender, groups, Cell(MentorId));

        ClassRow? cls = null;
        if (Cell(ClassName) is not null || Cell(Grade) is not null)
        {
            int? grade = null;
            if (Cell(Grade) is { } gradeText)
            {
                if (int.TryParse(gradeText.TrimEnd('年', '级'), NumberStyles.None, CultureInfo.InvariantCulture, out var g))
                {
                    grade = g;
                }
                else
                {
                    errors.Add(new RowError(row, header.HeaderText(Grade), "年级应为 1-12 的整数。", gradeText));
                }
            }

            cls = new ClassRow(Cell(ClassId), Cell(SchoolId), grade, Cell(ClassName));
        }

        SchoolRow? school = Cell(SchoolName) is { } schoolName ? new SchoolRow(Cell(SchoolId), Cell(DistrictId), schoolName) : null;
        DistrictRow? district = Cell(DistrictName) is { } districtName ? new DistrictRow(Cell(DistrictId), districtName) : null;

        // The same unit defined two ways in one file: the first row's definition stands.
        if (cls is { Id: { } classId } && !file.Define(file.Classes, classId, cls, row, out var classRow))
        {
            errors.Add(new RowError(row, header.HeaderText(ClassName), $"与第 {classRow} 行对班级 {classId} 的定义（学校、年级或名称）不同。", cls.Name));
        }

        if (school is { Id: { } schoolId } && !file.Define(file.Schools, schoolId, school, row, out var schoolRow))
        {
            errors.Add(new RowError(row, header.HeaderText(SchoolName), $"与第 {schoolRow} 行对学校 {schoolId} 的定义（区或名称）不同。", school.Name));
        }

        if (district is { Id: { } districtId } && !file.Define(file.Districts, districtId, district, row, out var districtRow))
        {
            errors.Add(new RowError(row, header.HeaderText(DistrictName), $"与第 {districtRow} 行对区县 {districtId} 的名称不同。", district.Name));
        }

        if (student.Id is { } id && errors.Count == 0 && !file.FirstTime(id, row, out var firstRow))
        {
            errors.Add(new RowError(row, header.HeaderText(StudentId), $"重复行：学号与第 {firstRow} 行相同。", id));
        }

        if (errors.Count > 0)
        {
            context.Failed(errors);
            return null;
        }

        return new Parsed(row, student, cls, school, district);
    }

    private async Task ApplyAsync(ImportContext context, FileUnits file, List<Parsed> chunk)
    {
        var stored = await journal.ReadProfilesAsync([.. chunk.Select(p => p.Student.Id).OfType<string>().Distinct(StringComparer.Ordinal)]);
        var alive = new List<Parsed>(chunk);
        for (var round = 1; alive.Count > 0; round++)
        {
            // The units this chunk brings that are neither applied already nor stored as they are.
            var districts = await NewUnitsAsync(alive, p => p.District, d => d.Id, file.Districts, async id =>
                await grains.District(id).GetInfoAsync() is { } info ? new DistrictRow(info.Id, info.Name) : null);
            var schools = await NewUnitsAsync(alive, p => p.School, s => s.Id, file.Schools, async id =>
                await grains.School(id).GetInfoAsync() is { } info ? new SchoolRow(info.Id, info.DistrictId, info.Name) : null);
            var classes = await NewUnitsAsync(alive, p => p.Class, c => c.Id, file.Classes, async id =>
                await grains.Class(id).GetInfoAsync() is { } info ? new ClassRow(info.Id, info.SchoolId, info.Grade, info.Name) : null);
            var students = alive.Where(p => !Same(p.Student, stored.GetValueOrDefault(p.Student.Id ?? string.Empty))).ToList();

            var request = new RosterRequest(
                [.. districts.Select(u => u.Unit)], [.. schools.Select(u => u.Unit)], [.. classes.Select(u => u.Unit)],
                [.. students.Select(p => p.Student)], null);
            var (plan, errors) = await writer.ValidateAsync(request);
            if (plan is not null)
            {
                await writer.ApplyAsync(plan);
                file.Applied(districts.Select(u => u.Unit.Id!), schools.Select(u => u.Unit.Id!), classes.Select(u => u.Unit.Id!));
                var changed = new HashSet<int>([.. students.Select(p => p.Row), .. districts.Select(u => u.Row), .. schools.Select(u => u.Row), .. classes.Select(u => u.Row)]);
                foreach (var parsed in alive)
                {
                    if (changed.Contains(parsed.Row))
                    {
                        context.Applied();
                    }
                    else
                    {
                        context.Unchanged();
                    }
                }

                return;
            }

            int? RowOf(string list, int index) => list switch
            {
                "students" when index < students.Count => students[index].Row,
                "classes" when index < classes.Count => classes[index].Row,
                "schools" when index < schools.Count => schools[index].Row,
                "districts" when index < districts.Count => districts[index].Row,
                _ => null,
            };

            if (RosterRowErrors.RefuseRows(context, errors, RowOf, FieldColumns, alive.Select(p => p.Row), round == Rounds) is not { } refused)
            {
                return;
            }

            alive.RemoveAll(p => refused.Contains(p.Row));
        }
    }

    /// <summary>Units that rows of the chunk define and that must be written: not applied by this file yet, and not stored as they are.</summary>
    private static async Task<List<(T Unit, int Row)>> NewUnitsAsync<T>(
        List<Parsed> alive, Func<Parsed, T?> unitOf, Func<T, string?> idOf, Dictionary<string, (T Unit, int Row, bool Applied)> defined,
        Func<string, Task<T?>> storedAs)
        where T : class
    {
        var units = new List<(T, int)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var parsed in alive)
        {
            if (unitOf(parsed) is not { } unit || idOf(unit) is not { } id || !seen.Add(id))
            {
                continue;
            }

            if (defined.TryGetValue(id, out var known) && known.Applied)
            {
                continue;
            }

            if (Identifiers.IsValid(id) && Equals(await storedAs(id), Normalise(unit)))
            {
                defined[id] = (known.Unit ?? unit, known.Row, true);
                continue;
            }

            units.Add((unit, parsed.Row));
        }

        return units;
    }

    /// <summary>A unit as the roster stores it (names trimmed), to compare with what is stored.</summary>
    private static T Normalise<T>(T unit) => unit switch
    {
        DistrictRow d => (T)(object)(d with { Name = d.Name?.Trim() }),
        SchoolRow s => (T)(object)(s with { Name = s.Name?.Trim() }),
        ClassRow c => (T)(object)(c with { Name = c.Name?.Trim() }),
        _ => unit,
    };

    /// <summary>Whether the row would store the student exactly as stored already.</summary>
    private static bool Same(StudentRow row, StudentProfile? stored) =>
        stored is not null
        && stored.Name == row.Name?.Trim()
        && stored.Gender == (row.Gender ?? string.Empty)
        && stored.ClassId == row.ClassId
        && stored.MentorId == row.MentorId
        && stored.FocusGroups.SequenceEqual((row.FocusGroups ?? []).Distinct(StringComparer.Ordinal), StringComparer.Ordinal);

    private sealed record Parsed(int Row, StudentRow Student, ClassRow? Class, SchoolRow? School, DistrictRow? District);

    /// <summary>What a file defined so far: each unit's first definition and whether it is applied, and the students seen.</summary>
    private sealed class FileUnits
    {
        private readonly Dictionary<string, int> _students = new(StringComparer.Ordinal);

        public Dictionary<string, (ClassRow Unit, int Row, bool Applied)> Classes { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, (SchoolRow Unit, int Row, bool Applied)> Schools { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, (DistrictRow Unit, int Row, bool Applied)> Districts { get; } = new(StringComparer.Ordinal);

        /// <summary>Records a unit's first definition; false (with that row) when this one differs from it.</summary>
        public bool Define<T>(Dictionary<string, (T Unit, int Row, bool Applied)> units, string id, T unit, int row, out int firstRow)
            where T : class
        {
            if (units.TryGetValue(id, out var first))
            {
                firstRow = first.Row;
                return Equals(Normalise(first.Unit), Normalise(unit));
            }

            units[id] = (unit, row, false);
            firstRow = row;
            return true;
        }

        /// <summary>Whether the student appears for the first time in the file (else the row where it did).</summary>
        public bool FirstTime(string studentId, int row, out int firstRow)
        {
            if (_students.TryGetValue(studentId, out firstRow))
            {
                return false;
            }

            _students[studentId] = firstRow = row;
            return true;
        }

        public void Applied(IEnumerable<string> districts, IEnumerable<string> schools, IEnumerable<string> classes)
        {
            Mark(Districts, districts);
            Mark(Schools, schools);
            Mark(Classes, classes);
        }

        private static void Mark<T>(Dictionary<string, (T Unit, int Row, bool Applied)> units, IEnumerable<string> ids)
        {
            foreach (var id in ids)
            {
                if (units.TryGetValue(id, out var unit))
                {
                    units[id] = unit with { Applied = true };
                }
            }
        }
    }
}
