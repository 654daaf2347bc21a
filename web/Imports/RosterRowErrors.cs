using System.Text.RegularExpressions;
using MonitorGrid.Web.Imports.Csv;
using MonitorGrid.Web.Infrastructure;

namespace MonitorGrid.Web.Imports;

/// <summary>
/// Turns the roster API's field errors (<c>students[3].classId</c>: "Class 'x' does not exist.") into row
/// errors of an import: the row that brought the entry, the column as the file names it, and the reason
/// in Chinese for the people who fix the file.
/// </summary>
public static partial class RosterRowErrors
{
    /// <summary>Maps each field error to the row that brought its entry and the column it came from.</summary>
    private static Dictionary<int, List<RowError>> ByRow(
        ValidationErrors errors, CsvHeader header, Func<string, int, int?> rowOf, IReadOnlyDictionary<string, CsvColumn> columns)
    {
        var byRow = new Dictionary<int, List<RowError>>();
        foreach (var (field, messages) in errors.Entries)
        {
            var match = FieldPattern().Match(field);
            if (!match.Success || rowOf(match.Groups["list"].Value, int.Parse(match.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture)) is not { } row)
            {
                continue;
            }

            var key = $"{match.Groups["list"].Value}.{match.Groups["field"].Value}";
            var column = columns.TryGetValue(key, out var c) ? header.HeaderText(c) : null;
            if (!byRow.TryGetValue(row, out var list))
            {
                byRow[row] = list = [];
            }

            list.AddRange(messages.Select(m => new RowError(row, column, Translate(m), null)));
        }

        return byRow;
    }

    /// <summary>
    /// Refuses, in the import, the rows the roster API's errors point at, and answers them; the caller takes
    /// them out of its chunk and checks the rest again. When no error can be pinned on a row, or on the last
    /// round, every row still in <paramref name="aliveRows"/> is refused rather than guessed at, and the
    /// answer is null: the chunk is done.
    /// </summary>
    public static IReadOnlySet<int>? RefuseRows(
        ImportContext context, ValidationErrors errors, Func<string, int, int?> rowOf, IReadOnlyDictionary<string, CsvColumn> columns,
        IEnumerable<int> aliveRows, bool lastRound)
    {
        var byRow = ByRow(errors, context.Header, rowOf, columns);
        if (byRow.Count == 0 || lastRound)
        {
            foreach (var row in aliveRows)
            {
                context.Failed(row, null, "无法导入：" + Translate(errors.First));
            }

            return null;
        }

        foreach (var rowErrors in byRow.Values)
        {
            context.Failed(rowErrors);
        }

        return byRow.Keys.ToHashSet();
    }

    /// <summary>The roster API's message in Chinese, or as it is when it is not one of the known forms.</summary>
    public static string Translate(string message)
    {
        if (NotExist().Match(message) is { Success: true } missing)
        {
            return $"{Noun(missing.Groups["kind"].Value)} {missing.Groups["id"].Value} 不存在：先在本文件前面的行或名册中建立它。";
        }

        if (CannotMove().Match(message) is { Success: true } move)
        {
            return $"{Noun(move.Groups["kind"].Value)} {move.Groups["id"].Value} 已属于 {move.Groups["parent"].Value}，不能改到别处。";
        }

        return message switch
        {
            "Required." => "不能为空。",
            "Must be 1-64 characters of A-Z a-z 0-9 . _ -." => "只能由 1-64 位字母、数字和 . _ - 组成。",
            "F, M, or absent." => "性别应为 男、女、F、M 或留空。",
            "Required: a school year from 1 to 12." => "年级应为 1-12 的整数。",
            "Required for a new account." => "新账号需要初始密码。",
            _ when message.StartsWith("Required: 1-", StringComparison.Ordinal) => "名称应为 1-100 个可打印字符。",
            _ when message.StartsWith("A focus group is", StringComparison.Ordinal) => "关爱类别不认识：用名称（如 LeftBehind）或界面上的写法（如 留守儿童）。",
            _ when message.StartsWith("A staff id", StringComparison.Ordinal) => "应为教职工工号：1-64 位字母、数字和 . _ -。",
            _ when message.StartsWith("Required: one of", StringComparison.Ordinal) => "角色不认识：用角色名（如 HeadTeacher）或中文职务（如 班主任）。",
            _ when message.StartsWith("Required: city,", StringComparison.Ordinal) => "范围应为 city、district:编号、school:编号 或 class:编号。",
            _ when message.EndsWith("characters.", StringComparison.Ordinal) && message.Contains('-', StringComparison.Ordinal) => "密码应为 4-128 个字符。",
            _ => message,
        };
    }

    private static string Noun(string kind) => kind switch
    {
        "District" => "区县",
        "School" => "学校",
        "Class" => "班级",
        "Scope" => "范围",
        _ => kind,
    };

    [GeneratedRegex(@"^(?<list>[a-zA-Z]+)\[(?<index>\d+)\]\.?(?<field>[a-zA-Z]*)")]
    private static partial Regex FieldPattern();

    [GeneratedRegex(@"^(?<kind>District|School|Class|Scope) '(?<id>[^']*)' does not exist\.$")]
    private static partial Regex NotExist();

    [GeneratedRegex(@"^(?<kind>School|Class) '(?<id>[^']*)' belongs to \w+ '(?<parent>[^']*)' and cannot move\.$")]
    private static partial Regex CannotMove();
}
