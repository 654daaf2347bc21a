using static MonitorGrid.Tests.Api.ApiTestSupport;

namespace MonitorGrid.Tests.Api;

/// <summary>
/// Retries of <c>POST /api/observations</c> with the same <c>idempotencyKey</c>: the same user gets the first
/// answer back and nothing is added; another user's key is their own. Own roster (<c>idem-</c>), one student per test.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class A_retried_observation_is_recorded_once_per_user_and_key(GridWebFactory web)
{
    [Fact]
    public async Task The_same_key_from_the_same_user_is_200_with_exactly_the_first_body_and_adds_nothing()
    {
        using var teacher = await ClientAsync("idem-ht");
        var key = Guid.NewGuid().ToString();
        var before = await ObservationCountAsync("idem-s1");

        var first = await PostAsync(teacher, "idem-s1", key);
        var firstBody = await first.Content.ReadAsStringAsync();
        var second = await PostAsync(teacher, "idem-s1", key);
        var secondBody = await second.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(firstBody, secondBody);
        Assert.Equal(before + 1, await ObservationCountAsync("idem-s1"));
    }

    [Fact]
    public async Task A_replay_answers_the_first_body_even_after_the_student_has_changed_since()
    {
        using var teacher = await ClientAsync("idem-ht");
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync(teacher, "idem-s4", key, category: "Withdrawal", severity: 2);
        var firstBody = await first.Content.ReadAsStringAsync();
        await web.RaiseRedAlertAsync("idem-s4");
        var before = await ObservationCountAsync("idem-s4");
        var replay = await PostAsync(teacher, "idem-s4", key, category: "Withdrawal", severity: 2);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
        Assert.Equal(before, await ObservationCountAsync("idem-s4"));
    }

    [Fact]
    public async Task The_same_key_from_another_user_is_a_new_observation()
    {
        using var headTeacher = await ClientAsync("idem-ht");
        using var subjectTeacher = await ClientAsync("idem-st");
        var key = Guid.NewGuid().ToString();
        var before = await ObservationCountAsync("idem-s2");

        var first = await PostAsync(headTeacher, "idem-s2", key);
        var second = await PostAsync(subjectTeacher, "idem-s2", key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.NotEqual(
            (await first.JsonAsync()).GetProperty("observationId").GetString(),
            (await second.JsonAsync()).GetProperty("observationId").GetString());
        Assert.Equal(before + 2, await ObservationCountAsync("idem-s2"));
    }

    [Fact]
    public async Task Ten_concurrent_duplicates_give_one_201_and_nine_200s_with_the_same_observation()
    {
        using var teacher = await ClientAsync("idem-ht");
        var key = Guid.NewGuid().ToString();
        var before = await ObservationCountAsync("idem-s3");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostAsync(teacher, "idem-s3", key)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.JsonAsync()).GetProperty("observationId").GetString()));
        Assert.Single(ids.Distinct());
        Assert.Equal(before + 1, await ObservationCountAsync("idem-s3"));
    }

    [Fact]
    public async Task Without_a_key_every_post_is_a_new_observation()
    {
        using var teacher = await ClientAsync("idem-ht");
        var before = await ObservationCountAsync("idem-s5");

        var first = await teacher.PostAsJsonAsync("/api/observations", new { studentId = "idem-s5", category = "Mood", severity = 1 });
        var second = await teacher.PostAsJsonAsync("/api/observations", new { studentId = "idem-s5", category = "Mood", severity = 1 });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(before + 2, await ObservationCountAsync("idem-s5"));
    }

    private static Task<HttpResponseMessage> PostAsync(
        HttpClient client, string studentId, string idempotencyKey, string category = "Mood", int severity = 1) =>
        client.PostAsJsonAsync("/api/observations", new { studentId, category, severity, note = "retry me", idempotencyKey });

    /// <summary>The observations in the archive, read by the school's psychology teacher.</summary>
    private async Task<int> ObservationCountAsync(string studentId)
    {
        using var psych = await ClientAsync("idem-psy");
        var response = await psych.GetAsync($"/api/students/{studentId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("observations").GetArrayLength();
    }

    private async Task<HttpClient> ClientAsync(string userId)
    {
        await web.PutRosterAsync(Roster(
            districts: [District("idem-d")],
            schools: [School("idem-h", "idem-d")],
            classes: [Class("idem-c", "idem-h")],
            students: [.. Enumerable.Range(1, 5).Select(i => Student($"idem-s{i}", "idem-c"))],
            staff:
            [
                Staff("idem-ht", "HeadTeacher", "class:idem-c"),
                Staff("idem-st", "SubjectTeacher", "class:idem-c"),
                Staff("idem-psy", "PsychTeacher", "school:idem-h"),
            ]));
        return await web.ClientForAsync(userId, StaffPassword);
    }
}
