using MonitorGrid.Web.Imports.Csv;

namespace MonitorGrid.Tests.Imports.Csv;

/// <summary>
/// Header mapping: a column is found by its Chinese name or an alias in any order, case, spacing and width;
/// a missing required column or a repeated one is a problem; unknown columns are ignored and listed.
/// </summary>
public sealed class Csv_header_finds_columns_by_any_accepted_name
{
    private static readonly CsvColumn StudentId = new("学号", true, "studentId", "student");
    private static readonly CsvColumn Name = new("姓名", true, "name", "studentName");
    private static readonly CsvColumn ClassId = new("班级编号", true, "classId");
    private static readonly CsvColumn Gender = new("性别", false, "gender", "sex");
    private static readonly CsvColumn Mentor = new("成长导师", false, "mentorId", "mentor");
    private static readonly CsvColumn[] Columns = [StudentId, Name, ClassId, Gender, Mentor];

    private static CsvHeader Map(string[] header, out IReadOnlyList<HeaderProblem> problems) => CsvHeader.Map(header, Columns, out problems);

    [Theory]
    [InlineData("Student_ID")]
    [InlineData("student id")]
    [InlineData("STUDENTID")]
    [InlineData("student-id")]
    [InlineData(" studentId ")]
    [InlineData("ＳｔｕｄｅｎｔＩＤ")]
    [InlineData("\uFEFFstudentid")]
    [InlineData("Student\u3000Id")]
    public void Names_differing_only_in_case_spacing_underscores_dashes_or_width_normalize_alike(string header)
    {
        Assert.Equal("studentid", CsvHeader.Normalize(header));
    }

    [Fact]
    public void Normalizing_keeps_letters_and_digits_and_chinese()
    {
        Assert.Equal(CsvHeader.Normalize("phq9"), CsvHeader.Normalize("PHQ-9"));
        Assert.Equal("phq9", CsvHeader.Normalize("ＰＨＱ－９"));
        Assert.Equal("第1题", CsvHeader.Normalize(" 第１题 "));
        Assert.NotEqual(CsvHeader.Normalize("item1"), CsvHeader.Normalize("item11"));
    }

    [Fact]
    public void Chinese_names_in_any_order_map_to_their_columns()
    {
        var header = Map(["班级编号", "姓名", "性别", "学号"], out var problems);

        Assert.Empty(problems);
        Assert.Equal((3, 1, 0, 2, -1), (header.IndexOf(StudentId), header.IndexOf(Name), header.IndexOf(ClassId), header.IndexOf(Gender), header.IndexOf(Mentor)));
        Assert.Equal((true, false), (header.Has(Gender), header.Has(Mentor)));
        Assert.Equal(4, header.Width);
        Assert.Empty(header.Ignored);
    }

    [Fact]
    public void English_aliases_in_mixed_case_with_spaces_underscores_and_full_width_letters_map_too()
    {
        var header = Map(["Student_ID", "student name", "ＣＬＡＳＳＩＤ", "SEX", "Mentor-Id"], out var problems);

        Assert.Empty(problems);
        Assert.Equal([0, 1, 2, 3, 4], Columns.Select(header.IndexOf));
        Assert.Equal(["Student_ID", "student name", "ＣＬＡＳＳＩＤ", "SEX", "Mentor-Id"], Columns.Select(header.HeaderText));
    }

    [Fact]
    public void A_byte_order_mark_and_spaces_around_a_header_cell_are_not_part_of_its_text()
    {
        var header = Map(["\uFEFF学号 ", " 姓名", "班级编号"], out var problems);

        Assert.Empty(problems);
        Assert.Equal(("学号", "姓名"), (header.HeaderText(StudentId), header.HeaderText(Name)));
    }

    [Fact]
    public void A_missing_required_column_is_a_problem_by_its_chinese_name_and_a_missing_optional_one_is_not()
    {
        var header = Map(["studentId", "gender"], out var problems);

        Assert.Equal([new HeaderProblem("姓名", "缺少必填列"), new HeaderProblem("班级编号", "缺少必填列")], problems);
        Assert.Equal(-1, header.IndexOf(Name));
        Assert.Equal("姓名", header.HeaderText(Name));
        Assert.Equal("成长导师", header.HeaderText(Mentor));
    }

    [Fact]
    public void Two_cells_naming_one_column_are_a_problem_by_the_later_cells_text_and_the_first_is_kept()
    {
        var header = Map(["学号", "姓名", "班级编号", "Student ID"], out var problems);

        Assert.Equal([new HeaderProblem("Student ID", "列名重复")], problems);
        Assert.Equal(0, header.IndexOf(StudentId));
        Assert.Equal("学号", header.HeaderText(StudentId));
    }

    [Fact]
    public void A_known_column_twice_is_a_problem_but_a_repeated_unknown_one_is_only_ignored_once()
    {
        var header = Map(["学号", "姓名", "班级编号", "备注", "备注", "姓名", "备注"], out var problems);

        Assert.Equal([new HeaderProblem("姓名", "列名重复")], problems);
        Assert.Equal(["备注"], header.Ignored);
    }

    [Fact]
    public void Unknown_columns_are_ignored_and_listed_as_written_and_empty_header_cells_are_not()
    {
        var header = Map(["学号", "", "Remarks", "姓名", "  ", "班级编号", " 家长电话 "], out var problems);

        Assert.Empty(problems);
        Assert.Equal(["Remarks", "家长电话"], header.Ignored);
        Assert.Equal(7, header.Width);
        Assert.Equal(5, header.IndexOf(ClassId));
    }

    [Fact]
    public void A_cell_is_read_trimmed_and_is_null_when_empty_short_or_its_column_is_absent()
    {
        var header = Map(["学号", "姓名", "班级编号", "性别"], out _);

        var full = new CsvRecord(2, [" s1 ", "张三\u3000", "c1", "   "]);
        var shortRecord = new CsvRecord(3, ["s2", "李四"]);

        Assert.Equal(("s1", "张三", "c1"), (header.Get(full, StudentId), header.Get(full, Name), header.Get(full, ClassId)));
        Assert.Null(header.Get(full, Gender));
        Assert.Null(header.Get(full, Mentor));
        Assert.Equal("李四", header.Get(shortRecord, Name));
        Assert.Null(header.Get(shortRecord, ClassId));
        Assert.Null(header.Get(shortRecord, Gender));
    }

    [Fact]
    public void A_column_is_found_by_its_name_even_through_another_instance()
    {
        var header = Map(["学号", "姓名", "班级编号"], out _);

        Assert.Equal(0, header.IndexOf(new CsvColumn("学号", true, "studentId", "student")));
    }

    [Fact]
    public void Columns_that_share_a_name_or_an_alias_are_refused_as_ambiguous()
    {
        CsvColumn[] sharedAlias = [StudentId, new("工号", true, "Student-ID")];
        CsvColumn[] sharedName = [StudentId, new("学号", false)];

        Assert.Contains("Student-ID", Assert.Throws<ArgumentException>(() => CsvHeader.Map(["学号"], sharedAlias, out _)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CsvHeader.Map(["学号"], sharedName, out _));
    }
}
