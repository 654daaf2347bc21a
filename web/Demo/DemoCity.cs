using MonitorGrid.Web.Roster;

namespace MonitorGrid.Web.Demo;

/// <summary>
/// The demo city as a roster request: districts, schools, classes of grades 7-9, students with
/// made-up names, and staff of every role (password <c>demo</c>). Deterministic, so ids are stable
/// between runs and can be written in the README.
/// </summary>
public static class DemoCity
{
    public const string Password = "demo";

    private static readonly (string Id, string Name)[] DistrictNames =
    [
        ("jinshui", "金水区"), ("erqi", "二七区"), ("zhongyuan", "中原区"), ("guancheng", "管城区"),
        ("huiji", "惠济区"), ("shangjie", "上街区"), ("gaoxin", "高新区"), ("jingkai", "经开区"),
        ("hangkong", "航空港区"), ("zhengdong", "郑东新区"), ("xinzheng", "新郑市"), ("xingyang", "荥阳市"),
        ("xinmi", "新密市"), ("dengfeng", "登封市"), ("gongyi", "巩义市"), ("zhongmu", "中牟县"),
        ("district17", "第十七区"), ("district18", "第十八区"), ("district19", "第十九区"), ("district20", "第二十区"),
    ];

    private static readonly string[] Numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"];
    private static readonly string[] Given = ["子涵", "欣怡", "浩然", "梓萱", "宇轩", "雨桐", "俊杰", "诗涵", "博文", "佳怡", "一诺", "思远", "晨曦", "沐阳", "若汐", "明哲", "语嫣", "天佑", "嘉懿", "昊天"];
    private static readonly string[] FocusGroups = ["LeftBehind", "SingleParent", "Migrant", "ChronicIllness", "EconomicHardship", "AcademicPressure"];

    public static RosterRequest Build(DemoCityOptions size)
    {
        var districts = new List<DistrictRow?>();
        var schools = new List<SchoolRow?>();
        var classes = new List<ClassRow?>();
        var students = new List<StudentRow?>();
        var staff = new List<StaffRow?>
        {
            new("admin", "系统管理员", nameof(Role.Admin), "city", Password),
            new("city", "市教育局", nameof(Role.CityBureau), "city", Password),
        };

        var studentNumber = 0;
        for (var d = 0; d < size.Districts; d++)
        {
            var (districtId, districtName) = DistrictNames[d];
            districts.Add(new DistrictRow(districtId, districtName));
            staff.Add(new StaffRow($"dc-{districtId}", $"{districtName}心理辅导中心", nameof(Role.DistrictCenter), $"district:{districtId}", Password));

            for (var s = 1; s <= size.SchoolsPerDistrict; s++)
            {
                var schoolId = $"{districtId}-{s:00}";
                var schoolName = $"{districtName}第{Numeral(s)}中学";
                schools.Add(new SchoolRow(schoolId, districtId, schoolName));
                var school = $"school:{schoolId}";
                staff.Add(new StaffRow($"psy-{schoolId}", $"{schoolName}心理教师", nameof(Role.PsychTeacher), school, Password));
                staff.Add(new StaffRow($"lead-{schoolId}", $"{schoolName}德育主任", nameof(Role.SchoolLead), school, Password));
                staff.Add(new StaffRow($"safety-{schoolId}", $"{schoolName}宿管", nameof(Role.SafetyOfficer), school, Password));
                staff.Add(new StaffRow($"mentor-{schoolId}", $"{schoolName}成长导师", nameof(Role.Mentor), school, Password));

                for (var c = 0; c < size.ClassesPerSchool; c++)
                {
                    var grade = 7 + c / 2 % 3;
                    var section = c % 2 + 1 + c / 6 * 2;
                    var classId = $"{schoolId}-{grade}-{section}";
                    classes.Add(new ClassRow(classId, schoolId, grade, $"{Numeral(grade)}({section})班"));
                    var cls = $"class:{classId}";
                    staff.Add(new StaffRow($"ht-{classId}", "班主任", nameof(Role.HeadTeacher), cls, Password));
                    staff.Add(new StaffRow($"st-{classId}", "任课教师", nameof(Role.SubjectTeacher), cls, Password));
                    staff.Add(new StaffRow($"cm-{classId}-1", "心理委员", nameof(Role.CommitteeMember), cls, Password));
                    staff.Add(new StaffRow($"cm-{classId}-2", "心理委员", nameof(Role.CommitteeMember), cls, Password));

                    for (var n = 0; n < size.StudentsPerClass; n++)
                    {
                        studentNumber++;
                        var name = Surnames[studentNumber * 7 % Surnames.Length] + Given[studentNumber * 13 % Given.Length];
                        string?[] groups = studentNumber % 10 == 3 ? [FocusGroups[studentNumber / 10 % FocusGroups.Length]] : [];
                        students.Add(new StudentRow($"S{studentNumber:000000}", classId, name, studentNumber % 2 == 0 ? "F" : "M", groups,
                            groups.Length > 0 ? $"mentor-{schoolId}" : null));
                    }
                }
            }
        }

        return new RosterRequest(districts, schools, classes, students, staff);
    }

    private static string Numeral(int n) => n <= Numerals.Length ? Numerals[n - 1] : n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
