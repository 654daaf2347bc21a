namespace MonitorGrid.Tests.Api;

/// <summary>Small helpers the API tests share: roster rows as the contract spells them, and problem checks.</summary>
internal static class ApiTestSupport
{
    public const string StaffPassword = "pass-1234";

    public static object District(string id, string? name = null) => new { id, name = name ?? $"{id} 区" };

    public static object School(string id, string districtId, string? name = null) =>
        new { id, districtId, name = name ?? $"{id} 中学" };

    public static object Class(string id, string schoolId, int grade = 7, string? name = null) =>
        new { id, schoolId, grade, name = name ?? $"{id} 班" };

    public static object Student(
        string id, string classId, string? name = null, string gender = "F", string[]? focusGroups = null, string? mentorId = null) =>
        new { id, classId, name = name ?? $"学生 {id}", gender, focusGroups = focusGroups ?? [], mentorId };

    public static object Staff(string id, string role, string scope, string? password = StaffPassword, string? name = null) =>
        new { id, name = name ?? $"{role} {id}", role, scope, password };

    public static object Roster(
        object[]? districts = null, object[]? schools = null, object[]? classes = null, object[]? students = null, object[]? staff = null) =>
        new { districts, schools, classes, students, staff };

    /// <summary>PUTs a roster as <c>admin</c> and insists that it is accepted; returns the counts.</summary>
    public static async Task<JsonElement> PutRosterAsync(this GridWebFactory web, object roster)
    {
        using var admin = await web.ClientForAsync("admin");
        var response = await admin.PutAsJsonAsync("/api/roster", roster);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"The roster was refused: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Makes the student <c>Red</c> with a <c>SelfHarm</c> observation as <c>admin</c>; returns the open alert's id.</summary>
    public static async Task<string> RaiseRedAlertAsync(this GridWebFactory web, string studentId)
    {
        using var admin = await web.ClientForAsync("admin");
        var response = await admin.PostAsJsonAsync("/api/observations", new { studentId, category = "SelfHarm", severity = 1 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Red", receipt.GetProperty("tier").GetString());
        var alertId = receipt.GetProperty("alertId").GetString();
        Assert.False(string.IsNullOrEmpty(alertId));
        return alertId!;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 7807 problem with the given status and a non-empty <c>detail</c>; returns the body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? because = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{because}{(because is null ? "" : ": ")}expected {(int)status} but got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.True(
            body.TryGetProperty("detail", out var detail) && !string.IsNullOrWhiteSpace(detail.GetString()),
            $"The problem has no detail: {text}");
        return body;
    }

    /// <summary>Asserts a 400 problem whose <c>errors</c> map has <paramref name="field"/>; returns the body.</summary>
    public static async Task<JsonElement> AssertFieldErrorAsync(this HttpResponseMessage response, string field, string? because = null)
    {
        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, because);
        Assert.True(body.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object, $"No errors map: {body}");
        Assert.True(errors.TryGetProperty(field, out var messages), $"The errors map does not name '{field}': {errors}");
        Assert.NotEqual(0, messages.GetArrayLength());
        return body;
    }

    public static IReadOnlyList<string> Strings(this JsonElement array, string property) =>
        [.. array.EnumerateArray().Select(e => e.GetProperty(property).GetString()!)];
}
