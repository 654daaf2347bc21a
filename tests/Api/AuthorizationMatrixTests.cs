using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using MonitorGrid.Web.Auth;
using static MonitorGrid.Tests.Api.ApiTestSupport;

namespace MonitorGrid.Tests.Api;

/// <summary>
/// Every role against every action, on a target inside its scope (district A) and outside it (district B).
/// The roster is this class's own: districts <c>am-A</c> and <c>am-B</c>, each with one school, one class and
/// one student, and one staff member per role placed inside district A at the role's natural level.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class Each_role_may_do_exactly_what_the_contract_allows_inside_its_scope_and_nothing_outside_it(GridWebFactory web)
{
    private const int Ok = 200;
    private const int Created = 201;
    private const int Denied = 403;

    private enum Action { Submit, Archive, ScopeRead, Watch, Acknowledge, Resolve, Roster }

    /// <summary>
    /// The contract's table. For each action two columns: target in district A (inside the caller's scope) and in
    /// district B (outside it, except for the city-wide roles). For Watch, 200 means a snapshot and 403 a HubException.
    /// </summary>
    private static readonly (string Role, int[] Codes)[] Expected =
    [
        //                       submit         archive        scope read     watch          acknowledge    resolve        roster
        //                       A      B       A      B       A      B       A      B       A      B       A      B       A      B
        ("CommitteeMember", [Created, Denied, Denied, Denied, Denied, Denied, Denied, Denied, Denied, Denied, Denied, Denied, Denied, Denied]),
        ("SafetyOfficer",   [Created, Denied, Denied, Denied, Denied, Denied, Denied, Denied, Denied, Denied, Denied, Denied, Denied, Denied]),
        ("SubjectTeacher",  [Created, Denied, Ok,     Denied, Ok,     Denied, Ok,     Denied, Denied, Denied, Denied, Denied, Denied, Denied]),
        ("HeadTeacher",     [Created, Denied, Ok,     Denied, Ok,     Denied, Ok,     Denied, Ok,     Denied, Denied, Denied, Denied, Denied]),
        ("Mentor",          [Created, Denied, Ok,     Denied, Ok,     Denied, Ok,     Denied, Ok,     Denied, Denied, Denied, Denied, Denied]),
        ("PsychTeacher",    [Created, Denied, Ok,     Denied, Ok,     Denied, Ok,     Denied, Ok,     Denied, Ok,     Denied, Denied, Denied]),
        ("SchoolLead",      [Created, Denied, Ok,     Denied, Ok,     Denied, Ok,     Denied, Ok,     Denied, Ok,     Denied, Denied, Denied]),
        ("DistrictCenter",  [Created, Denied, Ok,     Denied, Ok,     Denied, Ok,     Denied, Ok,     Denied, Ok,     Denied, Denied, Denied]),
        ("CityBureau",      [Created, Created, Denied, Denied, Ok,    Ok,     Ok,     Ok,     Denied, Denied, Denied, Denied, Denied, Denied]),
        ("Admin",           [Created, Created, Ok,     Ok,     Ok,     Ok,     Ok,     Ok,     Ok,     Ok,     Denied, Denied, Ok,     Ok]),
    ];

    /// <summary>Where each role's staff member sits: inside district A at the role's natural level.</summary>
    private static readonly Dictionary<string, string> ScopeOf = new(StringComparer.Ordinal)
    {
        ["CommitteeMember"] = "class:am-A-c",
        ["SubjectTeacher"] = "class:am-A-c",
        ["HeadTeacher"] = "class:am-A-c",
        ["SafetyOfficer"] = "school:am-A-h",
        ["Mentor"] = "school:am-A-h",
        ["PsychTeacher"] = "school:am-A-h",
        ["SchoolLead"] = "school:am-A-h",
        ["DistrictCenter"] = "district:am-A",
        ["CityBureau"] = "city",
        ["Admin"] = "city",
    };

    public static TheoryData<string, string, int> Cases(string action)
    {
        var column = (int)Enum.Parse<Action>(action) * 2;
        var data = new TheoryData<string, string, int>();
        foreach (var (role, codes) in Expected)
        {
            data.Add(role, "A", codes[column]);
            data.Add(role, "B", codes[column + 1]);
        }

        return data;
    }

    [Fact]
    public void The_expected_table_covers_every_role_and_every_action()
    {
        Assert.Equal(Enum.GetNames<Role>().Order(), Expected.Select(e => e.Role).Order());
        Assert.All(Expected, e => Assert.Equal(Enum.GetValues<Action>().Length * 2, e.Codes.Length));
    }

    [Theory]
    [MemberData(nameof(Cases), nameof(Action.Submit))]
    public async Task Submitting_an_observation(string role, string target, int expected)
    {
        using var client = await ClientAsync(role);
        var response = await client.PostAsJsonAsync("/api/observations", new { studentId = StudentIn(target), category = "Mood", severity = 1 });
        await AssertStatusAsync(expected, response);
        if (expected == Created)
        {
            var receipt = await response.JsonAsync();
            Assert.Equal(StudentIn(target), receipt.GetProperty("studentId").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(Cases), nameof(Action.Archive))]
    public async Task Reading_a_student_archive(string role, string target, int expected)
    {
        using var client = await ClientAsync(role);
        var response = await client.GetAsync($"/api/students/{StudentIn(target)}");
        await AssertStatusAsync(expected, response);
        if (expected == Ok)
        {
            Assert.Equal(StudentIn(target), (await response.JsonAsync()).GetProperty("studentId").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(Cases), nameof(Action.ScopeRead))]
    public async Task Reading_a_class_scope(string role, string target, int expected)
    {
        using var client = await ClientAsync(role);
        var alertId = await web.RaiseRedAlertAsync(StudentIn(target));
        var response = await client.GetAsync($"/api/scopes/{ClassScopeIn(target)}");
        await AssertStatusAsync(expected, response);
        if (expected == Ok)
        {
            var status = await response.JsonAsync();
            Assert.Equal(ClassScopeIn(target), status.GetProperty("scope").GetString());
            var openAlerts = status.GetProperty("openAlerts").Strings("alertId");
            if (role == "CityBureau")
            {
                Assert.Empty(openAlerts);
            }
            else
            {
                Assert.Contains(alertId, openAlerts);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases), nameof(Action.Watch))]
    public async Task Watching_a_class_scope_on_the_hub(string role, string target, int expected)
    {
        await EnsureRosterAsync();
        var alertId = await web.RaiseRedAlertAsync(StudentIn(target));
        await using var board = await web.BoardForAsync(StaffId(role), StaffPassword);
        if (expected == Ok)
        {
            var snapshot = await board.WatchAsync(ClassScopeIn(target));
            Assert.Equal(ClassScopeIn(target), snapshot.Scope);
            if (role == "CityBureau")
            {
                Assert.Empty(snapshot.OpenAlerts);
            }
            else
            {
                Assert.Contains(snapshot.OpenAlerts, a => a.AlertId == alertId);
            }
        }
        else
        {
            await Assert.ThrowsAsync<HubException>(() => board.WatchAsync(ClassScopeIn(target)));
        }
    }

    [Theory]
    [MemberData(nameof(Cases), nameof(Action.Acknowledge))]
    public async Task Acknowledging_an_open_alert(string role, string target, int expected)
    {
        using var client = await ClientAsync(role);
        var alertId = await web.RaiseRedAlertAsync(StudentIn(target));
        var response = await client.PostAsync($"/api/alerts/{alertId}/acknowledge", null);
        await AssertStatusAsync(expected, response);
        if (expected == Ok)
        {
            var alert = await response.JsonAsync();
            Assert.Equal(alertId, alert.GetProperty("alertId").GetString());
            Assert.Equal("Acknowledged", alert.GetProperty("state").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(Cases), nameof(Action.Resolve))]
    public async Task Resolving_an_open_alert(string role, string target, int expected)
    {
        using var client = await ClientAsync(role);
        var alertId = await web.RaiseRedAlertAsync(StudentIn(target));
        var response = await client.PostAsJsonAsync($"/api/alerts/{alertId}/resolve", new { note = "talked with the family" });
        await AssertStatusAsync(expected, response);
        if (expected == Ok)
        {
            var alert = await response.JsonAsync();
            Assert.Equal(alertId, alert.GetProperty("alertId").GetString());
            Assert.Equal("Resolved", alert.GetProperty("state").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(Cases), nameof(Action.Roster))]
    public async Task Upserting_the_roster(string role, string target, int expected)
    {
        using var client = await ClientAsync(role);
        var response = await client.PutAsJsonAsync("/api/roster", Roster(students: [StudentRow(target)]));
        await AssertStatusAsync(expected, response);
        if (expected == Ok)
        {
            Assert.Equal(1, (await response.JsonAsync()).GetProperty("students").GetInt32());
        }
    }

    private static string StaffId(string role) => $"am-{role}";

    private static string StudentIn(string target) => $"am-{target}-s";

    private static string ClassScopeIn(string target) => $"class:am-{target}-c";

    private static object StudentRow(string target) => Student(StudentIn(target), $"am-{target}-c", name: $"学生{target}");

    private async Task<HttpClient> ClientAsync(string role)
    {
        await EnsureRosterAsync();
        return await web.ClientForAsync(StaffId(role), StaffPassword);
    }

    /// <summary>The roster is an idempotent upsert, so every test simply puts it again.</summary>
    private Task EnsureRosterAsync() => web.PutRosterAsync(Roster(
        districts: [District("am-A"), District("am-B")],
        schools: [School("am-A-h", "am-A"), School("am-B-h", "am-B")],
        classes: [Class("am-A-c", "am-A-h"), Class("am-B-c", "am-B-h")],
        students: [StudentRow("A"), StudentRow("B")],
        staff: [.. ScopeOf.Select(s => Staff(StaffId(s.Key), s.Key, s.Value))]));

    private static async Task AssertStatusAsync(int expected, HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected, $"Expected {expected} but got {(int)response.StatusCode}: {body}");
    }
}

/// <summary>Without a token that the grid itself signed and that is still valid, nothing protected answers.</summary>
[Collection(WebCollection.Name)]
public sealed class Requests_without_a_valid_token_are_refused_with_401(GridWebFactory web)
{
    public static TheoryData<string, string> ProtectedEndpoints => new()
    {
        { "POST", "/api/observations" },
        { "GET", "/api/students/S000001" },
        { "GET", "/api/scopes/city" },
        { "GET", "/api/scopes/class:jinshui-01-7-1" },
        { "POST", "/api/alerts/A1-S000001/acknowledge" },
        { "POST", "/api/alerts/A1-S000001/resolve" },
        { "PUT", "/api/roster" },
    };

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task No_token(string method, string path)
    {
        using var client = web.CreateClient();
        var response = await client.SendAsync(Request(method, path));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task A_head_teachers_token_edited_to_claim_admin_over_the_city(string method, string path)
    {
        var token = await web.TokenForAsync("ht-jinshui-01-7-1");
        var parts = token.Split('.');
        var claims = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64Url.DecodeFromChars(parts[1]))!;
        claims["role"] = JsonSerializer.SerializeToElement("Admin");
        claims["scope"] = JsonSerializer.SerializeToElement("city");
        var tampered = $"{parts[0]}.{Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims))}.{parts[2]}";

        var response = await SendWithTokenAsync(method, path, tampered);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task A_token_with_a_broken_signature(string method, string path)
    {
        var token = await web.TokenForAsync("admin");
        var signature = token[(token.LastIndexOf('.') + 1)..];
        var broken = token[..(token.LastIndexOf('.') + 1)] + (signature[0] == 'A' ? 'B' : 'A') + signature[1..];

        var response = await SendWithTokenAsync(method, path, broken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task An_unsigned_token(string method, string path)
    {
        var now = DateTimeOffset.UtcNow;
        var unsigned = Jwt(new { alg = "none", typ = "JWT" }, Claims(now.AddMinutes(-5), now.AddHours(1))) + ".";

        var response = await SendWithTokenAsync(method, path, unsigned);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task An_expired_token_signed_with_the_grids_own_key(string method, string path)
    {
        var now = DateTimeOffset.UtcNow;
        var expired = Signed(Claims(now.AddHours(-13), now.AddHours(-1)));

        var response = await SendWithTokenAsync(method, path, expired);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_same_hand_made_token_is_accepted_while_it_is_valid_so_the_refusals_above_are_about_validity()
    {
        var now = DateTimeOffset.UtcNow;
        var valid = Signed(Claims(now.AddMinutes(-5), now.AddHours(1)));

        var response = await SendWithTokenAsync("GET", "/api/scopes/city", valid);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_hub_refuses_a_connection_without_a_token()
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(web.BaseAddress, "/hubs/grid"))
            .Build();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task The_hub_refuses_a_connection_with_a_broken_token_in_the_query_string()
    {
        var token = await web.TokenForAsync("admin");
        var broken = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(web.BaseAddress, $"/hubs/grid?access_token={Uri.EscapeDataString(broken)}"))
            .Build();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        Content = method == "GET" ? null : JsonContent.Create(new { }),
    };

    private async Task<HttpResponseMessage> SendWithTokenAsync(string method, string path, string token)
    {
        using var client = web.CreateClient();
        var request = Request(method, path);
        request.Headers.Authorization = new("Bearer", token);
        return await client.SendAsync(request);
    }

    private static object Claims(DateTimeOffset issuedAt, DateTimeOffset expires) => new Dictionary<string, object>
    {
        ["iss"] = "monitorgrid",
        ["aud"] = "monitorgrid",
        ["sub"] = "admin",
        ["role"] = "Admin",
        ["scope"] = "city",
        ["iat"] = issuedAt.ToUnixTimeSeconds(),
        ["nbf"] = issuedAt.ToUnixTimeSeconds(),
        ["exp"] = expires.ToUnixTimeSeconds(),
    };

    private static string Jwt(object header, object payload) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(header)) + "."
        + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(payload));

    /// <summary>An HS256 token signed with the running host's key, made by hand so that any claim can be set.</summary>
    private string Signed(object payload)
    {
        var key = web.Services.GetRequiredService<SigningKeyProvider>().Key.Key;
        var unsigned = Jwt(new { alg = "HS256", typ = "JWT" }, payload);
        var signature = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(unsigned));
        return unsigned + "." + Base64Url.EncodeToString(signature);
    }
}
