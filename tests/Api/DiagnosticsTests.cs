namespace MonitorGrid.Tests.Api;

/// <summary>The operator's runtime snapshot and the transport baseline the benchmark measures against.</summary>
[Collection(WebCollection.Name)]
public sealed class Diagnostics_show_the_nodes_runtime_to_admins_only(GridWebFactory web)
{
    [Fact]
    public async Task The_runtime_snapshot_reports_memory_collections_and_activations_by_grain_kind()
    {
        using var admin = await web.ClientForAsync("admin");
        var observed = await admin.PostAsJsonAsync("/api/observations", new { studentId = "S000003", category = "Mood", severity = 1 });
        Assert.Equal(HttpStatusCode.Created, observed.StatusCode);

        var response = await admin.GetAsync("/api/diagnostics/runtime");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var snapshot = await response.JsonAsync();
        Assert.Equal(Environment.ProcessId, snapshot.GetProperty("processId").GetInt32());
        Assert.True(snapshot.GetProperty("residentBytes").GetInt64() > 10 << 20, "a running host holds more than 10 MiB");
        Assert.True(snapshot.GetProperty("gcHeapBytes").GetInt64() > 0);
        Assert.True(snapshot.GetProperty("gcAllocatedBytes").GetInt64() >= snapshot.GetProperty("gcHeapBytes").GetInt64() / 2);
        var activations = snapshot.GetProperty("activations");
        Assert.True(activations.GetProperty("student").GetInt32() >= 1, activations.ToString());
        Assert.True(activations.GetProperty("staff").GetInt32() >= 1, activations.ToString());
        Assert.True(activations.GetProperty("city").GetInt32() == 1, activations.ToString());
        Assert.Equal(activations.EnumerateObject().Sum(p => p.Value.GetInt32()), snapshot.GetProperty("totalActivations").GetInt32());
    }

    [Theory]
    [InlineData("dc-jinshui")]
    [InlineData("city")]
    [InlineData("ht-jinshui-01-7-1")]
    public async Task Only_an_admin_may_read_the_runtime_snapshot(string userId)
    {
        using var other = await web.ClientForAsync(userId);

        var response = await other.GetAsync("/api/diagnostics/runtime");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_no_op_binds_an_observation_body_and_changes_nothing()
    {
        using var teacher = await web.ClientForAsync("ht-jinshui-01-7-1");
        var before = await (await teacher.GetAsync("/api/scopes/student:S000004")).JsonAsync();

        var response = await teacher.PostAsJsonAsync("/api/diagnostics/noop", new { studentId = "S000004", category = "SelfHarm", severity = 3 });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var after = await (await teacher.GetAsync("/api/scopes/student:S000004")).JsonAsync();
        Assert.Equal(before.GetProperty("counts").ToString(), after.GetProperty("counts").ToString());
        Assert.Equal(before.GetProperty("updatedAt").GetString(), after.GetProperty("updatedAt").GetString());
    }

    [Fact]
    public async Task The_no_op_needs_a_token_and_well_formed_json()
    {
        using var anonymous = web.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/diagnostics/noop", new { studentId = "S000004" })).StatusCode);

        using var teacher = await web.ClientForAsync("ht-jinshui-01-7-1");
        using var broken = new StringContent("{\"severity\": \"2\"}", System.Text.Encoding.UTF8, "application/json");
        var response = await teacher.PostAsync("/api/diagnostics/noop", broken);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
