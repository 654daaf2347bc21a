using System.Text.Json.Nodes;
using Npgsql;

namespace MonitorGrid.Tests.Durability;

/// <summary>
/// A small city of a test's own (ids under a prefix) for a <see cref="DurableGridHost"/>: districts
/// <c>{p}-d1..</c>, schools <c>{p}-d1-h1..</c>, classes <c>{p}-d1-h1-c1..</c>, students <c>{p}-d1-h1-c1-s1..</c>,
/// and the staff a test asks for (password <see cref="StaffPassword"/>).
/// </summary>
internal sealed class DurableCity
{
    public const string StaffPassword = "pass-1234";

    /// <summary>The contract's JSON, as the web host writes it.</summary>
    public static readonly JsonSerializerOptions Wire = CreateWireOptions();

    public DurableCity(string prefix, int districts, int schoolsPerDistrict, int classesPerSchool, int studentsPerClass)
    {
        Prefix = prefix;
        for (var d = 1; d <= districts; d++)
        {
            var district = $"{prefix}-d{d}";
            Districts.Add(district);
            for (var h = 1; h <= schoolsPerDistrict; h++)
            {
                var school = $"{district}-h{h}";
                Schools.Add((school, district));
                for (var c = 1; c <= classesPerSchool; c++)
                {
                    var cls = $"{school}-c{c}";
                    Classes.Add((cls, school));
                    for (var s = 1; s <= studentsPerClass; s++)
                    {
                        var student = $"{cls}-s{s}";
                        Students.Add(student);
                        Lineage[student] = (cls, school, district);
                    }
                }
            }
        }
    }

    public string Prefix { get; }

    public List<string> Districts { get; } = [];

    public List<(string Id, string District)> Schools { get; } = [];

    public List<(string Id, string School)> Classes { get; } = [];

    public List<string> Students { get; } = [];

    public Dictionary<string, (string Class, string School, string District)> Lineage { get; } = new(StringComparer.Ordinal);

    public List<(string Id, string Role, string Scope)> Staff { get; } = [];

    /// <summary>Every aggregate scope: the city, each district, school and class.</summary>
    public IEnumerable<string> AggregateScopes =>
    [
        "city",
        .. Districts.Select(d => $"district:{d}"),
        .. Schools.Select(h => $"school:{h.Id}"),
        .. Classes.Select(c => $"class:{c.Id}"),
    ];

    /// <summary>Every aggregate's counts equal a recount of <c>grid_student_status</c>, and every student's tier equals its row.</summary>
    public async Task AssertCountsMatchProjectionAsync(DurableGridHost host, string connectionString)
    {
        using var admin = await host.AdminClientAsync();
        await AssertCountsMatchProjectionAsync(admin, connectionString);
    }

    /// <summary>As <see cref="AssertCountsMatchProjectionAsync(DurableGridHost, string)"/>, read through <paramref name="admin"/>.</summary>
    public async Task AssertCountsMatchProjectionAsync(HttpClient admin, string connectionString)
    {
        var rows = await Sql.RowsAsync(connectionString, "SELECT student_id, class_id, school_id, district_id, tier FROM grid_student_status");
        var tiers = rows.ToDictionary(r => (string)r[0]!, r => (Tier)(short)r[4]!, StringComparer.Ordinal);
        Assert.Equal(Students.Order(StringComparer.Ordinal), tiers.Keys.Order(StringComparer.Ordinal));

        TierCounts Recount(Func<object?[], bool> below) =>
            rows.Where(below).Aggregate(TierCounts.Zero, (counts, r) => counts.With((Tier)(short)r[4]!, 1));

        foreach (var scope in AggregateScopes)
        {
            var id = scope.Contains(':', StringComparison.Ordinal) ? scope[(scope.IndexOf(':', StringComparison.Ordinal) + 1)..] : null;
            var expected = scope.Split(':')[0] switch
            {
                "district" => Recount(r => (string)r[3]! == id),
                "school" => Recount(r => (string)r[2]! == id),
                "class" => Recount(r => (string)r[1]! == id),
                _ => Recount(_ => true),
            };
            var status = await GetJsonAsync(admin, $"/api/scopes/{scope}");
            Assert.Equal((scope, expected), (scope, status.GetProperty("counts").Deserialize<TierCounts>(Wire)));
        }

        foreach (var student in Students)
        {
            var archive = await GetJsonAsync(admin, $"/api/students/{student}");
            Assert.Equal((student, tiers[student].ToString()), (student, Text(archive, "tier")));
        }
    }

    public DurableCity WithStaff(string id, string role, string scope)
    {
        Staff.Add((id, role, scope));
        return this;
    }

    /// <summary>PUTs the whole roster as admin and insists that it is accepted.</summary>
    public async Task CreateAsync(DurableGridHost host)
    {
        using var admin = await host.AdminClientAsync();
        await CreateAsync(admin);
    }

    /// <summary>PUTs the whole roster through <paramref name="admin"/> and insists that it is accepted.</summary>
    public async Task CreateAsync(HttpClient admin)
    {
        var response = await admin.PutAsJsonAsync("/api/roster", new
        {
            districts = Districts.Select(id => new { id, name = $"{id} 区" }),
            schools = Schools.Select(h => new { id = h.Id, districtId = h.District, name = $"{h.Id} 中学" }),
            classes = Classes.Select(c => new { id = c.Id, schoolId = c.School, grade = 8, name = $"{c.Id} 班" }),
            students = Students.Select(id => new { id, classId = Lineage[id].Class, name = $"学生 {id}", gender = "F" }),
            staff = Staff.Select(s => new { id = s.Id, name = $"{s.Role} {s.Id}", role = s.Role, scope = s.Scope, password = StaffPassword }),
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"The roster was refused: {(int)response.StatusCode} {body}");
    }

    /// <summary>Posts an observation (keyed if <paramref name="key"/> is given) and insists on a 201; returns the receipt.</summary>
    public static async Task<JsonElement> ObserveAsync(HttpClient client, string studentId, string category, int severity, string? key = null)
    {
        var response = await client.PostAsJsonAsync("/api/observations", new { studentId, category, severity, idempotencyKey = key });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Expected 201 for {studentId} but got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>GETs a JSON document, insisting on a 200.</summary>
    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: expected 200 but got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>A scope status without its <c>updatedAt</c>, as text to compare.</summary>
    public static string WithoutUpdatedAt(JsonElement status)
    {
        var node = JsonNode.Parse(status.GetRawText())!.AsObject();
        node.Remove("updatedAt");
        return node.ToJsonString();
    }

    public static string Text(JsonElement element, string property) => element.GetProperty(property).GetString()!;

    /// <summary>
    /// Every given scope's status (GET, without <c>updatedAt</c>) and every given student's archive, as admin, as text to compare.
    /// </summary>
    public static async Task<Captured> CaptureAsync(DurableGridHost host, IEnumerable<string> scopes, IEnumerable<string> students)
    {
        using var admin = await host.AdminClientAsync();
        var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var scope in scopes)
        {
            statuses[scope] = WithoutUpdatedAt(await GetJsonAsync(admin, $"/api/scopes/{scope}"));
        }

        var archives = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var student in students)
        {
            archives[student] = (await GetJsonAsync(admin, $"/api/students/{student}")).GetRawText();
        }

        return new Captured(statuses, archives);
    }

    /// <summary>Asserts that two captures hold the same statuses and archives.</summary>
    public static void AssertSame(Captured expected, Captured actual)
    {
        foreach (var (scope, status) in expected.Statuses)
        {
            Assert.Equal(status, actual.Statuses[scope]);
        }

        foreach (var (student, archive) in expected.Archives)
        {
            Assert.Equal(archive, actual.Archives[student]);
        }
    }

    private static JsonSerializerOptions CreateWireOptions()
    {
        var options = new JsonSerializerOptions();
        MonitorGrid.Web.Infrastructure.GridJson.Configure(options);
        return options;
    }
}

/// <summary>Scope statuses (without <c>updatedAt</c>) and archives, by scope and by student id, as JSON text.</summary>
internal sealed record Captured(Dictionary<string, string> Statuses, Dictionary<string, string> Archives);

/// <summary>Direct reads and writes on a test database, as the application's connection string allows.</summary>
internal static class Sql
{
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<int> ExecuteAsync(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Every row of a query, each as its column values.</summary>
    public static async Task<List<object?[]>> RowsAsync(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
