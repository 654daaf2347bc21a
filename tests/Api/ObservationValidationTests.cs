using System.Text;
using static MonitorGrid.Tests.Api.ApiTestSupport;

namespace MonitorGrid.Tests.Api;

/// <summary>
/// <c>POST /api/observations</c> field by field. Every 400 is a problem with a <c>detail</c>, and a bad field is
/// named (camelCase) in the <c>errors</c> map. The roster is this class's own (<c>val-</c>): head teacher
/// <c>val-ht</c> owns class <c>val-c1</c>; <c>val-s2</c> sits in the other class <c>val-c2</c>.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class A_bad_observation_is_refused_with_a_problem_naming_the_field(GridWebFactory web)
{
    private const string StudentId = "val-s1";
    private static readonly string LongIdStudent = "val-" + new string('x', 60);

    public static TheoryData<string, string, string> BadFields => new()
    {
        // studentId
        { "studentId missing", """{ "category": "Mood", "severity": 1 }""", "studentId" },
        { "studentId null", """{ "studentId": null, "category": "Mood", "severity": 1 }""", "studentId" },
        { "studentId with a space and !", """{ "studentId": "val s1!", "category": "Mood", "severity": 1 }""", "studentId" },
        { "studentId with a slash", """{ "studentId": "val/s1", "category": "Mood", "severity": 1 }""", "studentId" },
        { "studentId empty", """{ "studentId": "", "category": "Mood", "severity": 1 }""", "studentId" },
        { "studentId of 65 characters", $$"""{ "studentId": "{{new string('a', 65)}}", "category": "Mood", "severity": 1 }""", "studentId" },
        // category
        { "category missing", """{ "studentId": "val-s1", "severity": 1 }""", "category" },
        { "category unknown", """{ "studentId": "val-s1", "category": "Sadness", "severity": 1 }""", "category" },
        { "category as a number", """{ "studentId": "val-s1", "category": 2, "severity": 1 }""", "category" },
        { "category in lower case", """{ "studentId": "val-s1", "category": "mood", "severity": 1 }""", "category" },
        { "category in upper case", """{ "studentId": "val-s1", "category": "MOOD", "severity": 1 }""", "category" },
        { "category empty", """{ "studentId": "val-s1", "category": "", "severity": 1 }""", "category" },
        // severity
        { "severity missing", """{ "studentId": "val-s1", "category": "Mood" }""", "severity" },
        { "severity 0", """{ "studentId": "val-s1", "category": "Mood", "severity": 0 }""", "severity" },
        { "severity 4", """{ "studentId": "val-s1", "category": "Mood", "severity": 4 }""", "severity" },
        { "severity -1", """{ "studentId": "val-s1", "category": "Mood", "severity": -1 }""", "severity" },
        { "severity 2.5", """{ "studentId": "val-s1", "category": "Mood", "severity": 2.5 }""", "severity" },
        { "severity \"2\" as a string", """{ "studentId": "val-s1", "category": "Mood", "severity": "2" }""", "severity" },
        // note
        { "note of 2001 characters", $$"""{ "studentId": "val-s1", "category": "Mood", "severity": 1, "note": "{{new string('n', 2_001)}}" }""", "note" },
        // observedAt
        { "observedAt not a date", """{ "studentId": "val-s1", "category": "Mood", "severity": 1, "observedAt": "not a date" }""", "observedAt" },
        { "observedAt as a number", """{ "studentId": "val-s1", "category": "Mood", "severity": 1, "observedAt": 1700000000 }""", "observedAt" },
        // idempotencyKey
        { "idempotencyKey empty", """{ "studentId": "val-s1", "category": "Mood", "severity": 1, "idempotencyKey": "" }""", "idempotencyKey" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task A_bad_field_is_a_400_naming_it(string because, string body, string field)
    {
        using var client = await TeacherAsync();
        var response = await PostAsync(client, body);
        await response.AssertFieldErrorAsync(field, because);
    }

    [Fact]
    public async Task Every_bad_field_of_one_request_is_named()
    {
        using var client = await TeacherAsync();
        var response = await PostAsync(client,
            $$"""{ "studentId": "a b", "category": "mood", "severity": 9, "note": "{{new string('n', 2_001)}}", "idempotencyKey": "" }""");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["category", "idempotencyKey", "note", "severity", "studentId"], fields.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ObservedAt_an_hour_in_the_future_is_a_400()
    {
        using var client = await TeacherAsync();
        var response = await client.PostAsJsonAsync("/api/observations",
            new { studentId = StudentId, category = "Mood", severity = 1, observedAt = DateTimeOffset.UtcNow.AddHours(1) });
        await response.AssertFieldErrorAsync("observedAt");
    }

    [Fact]
    public async Task ObservedAt_in_the_past_is_accepted()
    {
        using var client = await TeacherAsync();
        var response = await client.PostAsJsonAsync("/api/observations",
            new { studentId = StudentId, category = "Mood", severity = 1, observedAt = DateTimeOffset.UtcNow.AddDays(-2) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_note_of_exactly_2000_characters_is_accepted()
    {
        using var client = await TeacherAsync();
        var response = await client.PostAsJsonAsync("/api/observations",
            new { studentId = StudentId, category = "Withdrawal", severity = 1, note = new string('好', 2_000) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_student_id_of_exactly_64_characters_is_accepted()
    {
        Assert.Equal(64, LongIdStudent.Length);
        using var client = await TeacherAsync();
        var response = await client.PostAsJsonAsync("/api/observations", new { studentId = LongIdStudent, category = "Academic", severity = 1 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Every_category_name_and_severity_is_accepted()
    {
        using var client = await TeacherAsync();
        string[] categories = ["Mood", "Anxiety", "Withdrawal", "Behavior", "Academic", "Attendance", "SleepAppetite", "Bullying", "Family", "SelfHarm", "Other"];
        foreach (var (category, severity) in categories.Select((c, i) => (c, i % 3 + 1)))
        {
            var response = await client.PostAsJsonAsync("/api/observations", new { studentId = StudentId, category, severity });
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{category}/{severity}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        using var client = await TeacherAsync();
        var response = await PostAsync(client, """{ "studentId": "val-s1", "category": "Mood", "severity": """);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Json_that_is_not_an_object_is_a_400_problem()
    {
        using var client = await TeacherAsync();
        var response = await PostAsync(client, """["val-s1", "Mood", 1]""");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_empty_body_is_a_400_problem()
    {
        using var client = await TeacherAsync();
        var response = await PostAsync(client, string.Empty);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415()
    {
        using var client = await TeacherAsync();
        var response = await PostAsync(client, """{ "studentId": "val-s1", "category": "Mood", "severity": 1 }""", "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_student_is_a_404_problem()
    {
        using var client = await TeacherAsync();
        var response = await client.PostAsJsonAsync("/api/observations", new { studentId = "val-nobody", category = "Mood", severity = 1 });
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_student_outside_the_callers_scope_is_a_403_problem_and_nothing_is_recorded()
    {
        using var client = await TeacherAsync();
        using var admin = await web.ClientForAsync("admin");
        var before = (await (await admin.GetAsync("/api/students/val-s2")).JsonAsync()).GetProperty("observations").GetArrayLength();

        var response = await client.PostAsJsonAsync("/api/observations", new { studentId = "val-s2", category = "Mood", severity = 1 });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        var after = (await (await admin.GetAsync("/api/students/val-s2")).JsonAsync()).GetProperty("observations").GetArrayLength();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_valid_observation_is_201_with_the_receipt()
    {
        using var client = await TeacherAsync();
        var response = await client.PostAsJsonAsync("/api/observations",
            new { studentId = "val-s3", category = "Withdrawal", severity = 2, note = "sat alone all week", idempotencyKey = Guid.NewGuid().ToString() });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var receipt = await response.JsonAsync();
        Assert.False(string.IsNullOrEmpty(receipt.GetProperty("observationId").GetString()));
        Assert.Equal("val-s3", receipt.GetProperty("studentId").GetString());
        Assert.Contains(receipt.GetProperty("tier").GetString(), new[] { "Green", "Yellow", "Orange", "Red" });
        Assert.True(receipt.TryGetProperty("alertId", out _));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string mediaType = "application/json") =>
        client.PostAsync("/api/observations", new StringContent(body, Encoding.UTF8, mediaType));

    private async Task<HttpClient> TeacherAsync()
    {
        await web.PutRosterAsync(Roster(
            districts: [District("val-d")],
            schools: [School("val-h", "val-d")],
            classes: [Class("val-c1", "val-h"), Class("val-c2", "val-h")],
            students: [Student(StudentId, "val-c1"), Student("val-s3", "val-c1"),
                Student(LongIdStudent, "val-c1"), Student("val-s2", "val-c2")],
            staff: [Staff("val-ht", "HeadTeacher", "class:val-c1")]));
        return await web.ClientForAsync("val-ht", StaffPassword);
    }
}
