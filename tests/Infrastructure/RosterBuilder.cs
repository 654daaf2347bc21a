namespace MonitorGrid.Tests.Infrastructure;

/// <summary>Puts a small roster of a test's own (ids under a prefix) into the web host through the API as admin.</summary>
public static class RosterBuilder
{
    public const string StaffPassword = "pass-1234";

    /// <summary>
    /// District <c>{p}-d</c>, school <c>{p}-h</c>, class <c>{p}-c</c> with students <c>{p}-s1..sN</c>, and staff
    /// <c>{p}-ht</c> (HeadTeacher), <c>{p}-st</c> (SubjectTeacher), <c>{p}-psy</c> (PsychTeacher), <c>{p}-dc</c> (DistrictCenter).
    /// </summary>
    public static async Task CreateAsync(GridWebFactory web, string p, int students)
    {
        using var admin = await web.ClientForAsync("admin");
        var response = await admin.PutAsJsonAsync("/api/roster", new
        {
            districts = new[] { new { id = $"{p}-d", name = $"{p} 区" } },
            schools = new[] { new { id = $"{p}-h", districtId = $"{p}-d", name = $"{p} 中学" } },
            classes = new[] { new { id = $"{p}-c", schoolId = $"{p}-h", grade = 8, name = "八(1)班" } },
            students = Enumerable.Range(1, students)
                .Select(i => new { id = $"{p}-s{i}", classId = $"{p}-c", name = $"学生{i}", gender = "M" })
                .ToArray(),
            staff = new[]
            {
                new { id = $"{p}-ht", name = "班主任", role = "HeadTeacher", scope = $"class:{p}-c", password = StaffPassword },
                new { id = $"{p}-st", name = "任课教师", role = "SubjectTeacher", scope = $"class:{p}-c", password = StaffPassword },
                new { id = $"{p}-psy", name = "心理教师", role = "PsychTeacher", scope = $"school:{p}-h", password = StaffPassword },
                new { id = $"{p}-dc", name = "区中心", role = "DistrictCenter", scope = $"district:{p}-d", password = StaffPassword },
            },
        });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Posts an observation and returns the receipt, failing unless it is a 201.</summary>
    public static async Task<JsonElement> ObserveAsync(HttpClient client, string studentId, string category, int severity)
    {
        var response = await client.PostAsJsonAsync("/api/observations", new { studentId, category, severity });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
