using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MonitorGrid.Bench;

/// <summary>
/// The benchmark's city: classes of 40, schools of 30 classes, districts of at most 20 schools (at least
/// 10 districts once the city is big enough). One head teacher per class (the observers), one psychology
/// teacher per school, one district centre per district and one city bureau account. The last two
/// students of every class are kept for latency probes and never observed by the load.
/// </summary>
internal sealed class City
{
    public const string StaffPassword = "bench-pass";
    public const int ProbesPerClass = 2;

    public City(BenchOptions options)
    {
        Students = options.Students;
        PerClass = options.StudentsPerClass;
        Classes = (Students + PerClass - 1) / PerClass;
        Schools = (Classes + options.ClassesPerSchool - 1) / options.ClassesPerSchool;
        Districts = Math.Max(Math.Min(10, Schools), (Schools + 19) / 20);
        ClassesPerSchool = options.ClassesPerSchool;
    }

    public int Students { get; }

    public int PerClass { get; }

    public int Classes { get; }

    public int Schools { get; }

    public int Districts { get; }

    public int ClassesPerSchool { get; }

    public static string Student(int s) => $"bs{s}";

    public static string Class(int c) => $"bc{c}";

    public static string HeadTeacher(int c) => $"bt{c}";

    public static string PsychTeacher(int h) => $"bp{h}";

    public static string DistrictCentre(int d) => $"bd{d}-dc";

    public int SchoolOf(int c) => c / ClassesPerSchool;

    public int DistrictOf(int h) => h % Districts;

    public int ClassOf(int s) => s / PerClass;

    /// <summary>Students of class <paramref name="c"/> that the load may observe (all but the probes).</summary>
    public (int First, int Count) Observed(int c)
    {
        var first = c * PerClass;
        var count = Math.Min(PerClass, Students - first);
        return (first, Math.Max(1, count - ProbesPerClass));
    }

    /// <summary>Probe students of class <paramref name="c"/>.</summary>
    public IEnumerable<int> Probes(int c)
    {
        var first = c * PerClass;
        var end = Math.Min(first + PerClass, Students);
        return Enumerable.Range(Math.Max(first, end - ProbesPerClass), Math.Min(ProbesPerClass, end - first));
    }

    /// <summary>Uploads the roster in chunks of students, with their classes, schools and staff; reports progress.</summary>
    public async Task UploadAsync(HttpClient http, string adminToken, int chunk, Action<int> progress)
    {
        var schoolsSent = new HashSet<int>();
        for (var first = 0; first < Students; first += chunk)
        {
            var count = Math.Min(chunk, Students - first);
            var classes = Enumerable.Range(ClassOf(first), ClassOf(first + count - 1) - ClassOf(first) + 1).ToArray();
            var schools = classes.Select(SchoolOf).Distinct().Where(schoolsSent.Add).ToArray();
            var body = new
            {
                districts = first == 0 ? Enumerable.Range(0, Districts).Select(d => new { id = $"bd{d}", name = $"第{d + 1}区" }).ToArray() : [],
                schools = schools.Select(h => new { id = $"bh{h}", districtId = $"bd{DistrictOf(h)}", name = $"第{h + 1}中学" }).ToArray(),
                classes = classes.Select(c => new { id = Class(c), schoolId = $"bh{SchoolOf(c)}", grade = 7 + (c % 3), name = $"{c}班" }).ToArray(),
                students = Enumerable.Range(first, count).Select(s => new { id = Student(s), classId = Class(ClassOf(s)), name = $"学生{s}", gender = s % 2 == 0 ? "F" : "M" }).ToArray(),
                staff = classes.Select(c => new { id = HeadTeacher(c), name = "班主任", role = "HeadTeacher", scope = $"class:{Class(c)}", password = StaffPassword })
                    .Concat(schools.Select(h => new { id = PsychTeacher(h), name = "心理教师", role = "PsychTeacher", scope = $"school:bh{h}", password = StaffPassword }))
                    .Concat(first == 0 ? Enumerable.Range(0, Districts).Select(d => new { id = DistrictCentre(d), name = "心理中心", role = "DistrictCenter", scope = $"district:bd{d}", password = StaffPassword }) : [])
                    .Concat(first == 0 ? [new { id = "bench-city", name = "市教育局", role = "CityBureau", scope = "city", password = StaffPassword }] : [])
                    .ToArray(),
            };
            using var request = new HttpRequestMessage(HttpMethod.Put, "/api/roster") { Content = Json(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Roster upload failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            progress(first + count);
        }
    }

    /// <summary>A JSON body with a Content-Length, as a phone's browser sends it (not chunked).</summary>
    public static ByteArrayContent Json<T>(T value)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    public static async Task<string> TokenAsync(HttpClient http, string user, string password)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/token", new { userId = user, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }
}
