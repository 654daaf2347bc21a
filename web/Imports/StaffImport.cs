using MonitorGrid.Grains;
using MonitorGrid.Infrastructure;
using MonitorGrid.Web.Imports.Csv;
using MonitorGrid.Web.Roster;

namespace MonitorGrid.Web.Imports;

/// <summary>
/// Staff accounts, through the roster API's own validation and writing in chunks, as students are. An
/// account stored with the same name, role and scope, whose password is left empty or is the stored one,
/// is unchanged.
/// </summary>
public sealed class StaffImport(RosterWriter writer, IGrainFactory grains) : IImportProcessor
{
    /// <summary>Small: a new account's password is hashed, deliberately slowly.</summary>
    public const int ChunkSize = 200;

    private const int Rounds = 4;

    public static readonly CsvColumn StaffId = new("工号", true, "staffId", "id", "userId", "账号", "用户名");
    public static readonly CsvColumn Name = new("姓名", true, "name");
    public static readonly CsvColumn Role = new("角色", true, "role", "职务");
    public static readonly CsvColumn Scope = new("范围", true, "scope", "管理范围");
    public static readonly CsvColumn Password = new("初始密码", false, "password", "密码");

    /// <summary>Roles by their Chinese titles as the UI shows them, and a few common variants.</summary>
    private static readonly Dictionary<string, Role> RoleTitles = new(StringComparer.Ordinal)
    {
        ["心理委员"] = MonitorGrid.Role.CommitteeMember, ["心理健康安全员"] = MonitorGrid.Role.SafetyOfficer, ["安全员"] = MonitorGrid.Role.SafetyOfficer,
        ["任课教师"] = MonitorGrid.Role.SubjectTeacher, ["科任教师"] = MonitorGrid.Role.SubjectTeacher, ["班主任"] = MonitorGrid.Role.HeadTeacher,
        ["成长导师"] = MonitorGrid.Role.Mentor, ["心理教师"] = MonitorGrid.Role.PsychTeacher, ["心理老师"] = MonitorGrid.Role.PsychTeacher,
        ["德育负责人"] = MonitorGrid.Role.SchoolLead, ["分管校长"] = MonitorGrid.Role.SchoolLead, ["区心理辅导中心"] = MonitorGrid.Role.DistrictCenter,
        ["区心理中心"] = MonitorGrid.Role.DistrictCenter, ["市教育局"] = MonitorGrid.Role.CityBureau, ["管理员"] = MonitorGrid.Role.Admin,
    };

    private static readonly Dictionary<string, CsvColumn> FieldColumns = new(StringComparer.Ordinal)
    {
        ["staff.id"] = StaffId, ["staff.name"] = Name, ["staff.role"] = Role, ["staff.scope"] = Scope, ["staff.password"] = Password,
    };

    public ImportKind Kind => ImportKind.Staff;

    public IReadOnlyList<CsvColumn> Columns { get; } = [StaffId, Name, Role, Scope, Password];

    public async Task RunAsync(ImportContext context, IAsyncEnumerable<CsvRecord> rows)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var chunk = new List<(int Row, StaffRow Staff)>(ChunkSize);
        await foreach (var record in rows)
        {
            var header = context.Header;
            var role = header.Get(record, Role);
            var staff = new StaffRow(
                header.Get(record, StaffId), header.Get(record, Name),
                role is not null && RoleTitles.TryGetValue(role, out var title) ? title.ToString() : role,
                header.Get(record, Scope), header.Get(record, Password));
            if (staff.Id is { } id && !seen.TryAdd(id, record.Row))
            {
                context.Failed(record.Row, header.HeaderText(StaffId), $"重复行：工号与第 {seen[id]} 行相同。", id);
                continue;
            }

            chunk.Add((record.Row, staff));
            if (chunk.Count == ChunkSize)
            {
                await ApplyAsync(context, chunk);
                chunk.Clear();
            }
        }

        if (chunk.Count > 0)
        {
            await ApplyAsync(context, chunk);
        }
    }

    private async Task ApplyAsync(ImportContext context, List<(int Row, StaffRow Staff)> chunk)
    {
        var alive = new List<(int Row, StaffRow Staff)>(chunk.Count);
        foreach (var entry in chunk)
        {
            if (await UnchangedAsync(entry.Staff))
            {
                context.Unchanged();
            }
            else
            {
                alive.Add(entry);
            }
        }

        for (var round = 1; alive.Count > 0; round++)
        {
            var (plan, errors) = await writer.ValidateAsync(new RosterRequest(null, null, null, null, [.. alive.Select(a => a.Staff)]));
            if (plan is not null)
            {
                await writer.ApplyAsync(plan);
                foreach (var _ in alive)
                {
                    context.Applied();
                }

                return;
            }

            int? RowOf(string list, int index) => list == "staff" && index < alive.Count ? alive[index].Row : null;
            if (RosterRowErrors.RefuseRows(context, errors, RowOf, FieldColumns, alive.Select(a => a.Row), round == Rounds) is not { } refused)
            {
                return;
            }

            alive.RemoveAll(a => refused.Contains(a.Row));
        }
    }

    private async Task<bool> UnchangedAsync(StaffRow row)
    {
        if (!Identifiers.IsValid(row.Id) || !MonitorGrid.Scope.TryParse(row.Scope, out var scope)
            || await grains.Staff(row.Id).GetAccountAsync() is not { } stored)
        {
            return false;
        }

        return stored.Name == row.Name?.Trim()
            && stored.Role.ToString() == row.Role
            && stored.Scope == scope
            && (row.Password is null || PasswordHasher.Verify(row.Password, stored.PasswordHash));
    }
}
