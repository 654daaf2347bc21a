namespace MonitorGrid.Tests.Live;

[Collection(WebCollection.Name)]
public sealed class HostTests(GridWebFactory web)
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_without_a_token(string path)
    {
        using var client = web.CreateClient();
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_demo_city_is_seeded_with_staff_who_sign_in_with_the_demo_password()
    {
        using var anonymous = web.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/auth/token", new { userId = "admin", password = "demo" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Admin", token.GetProperty("role").GetString());
        Assert.Equal("city", token.GetProperty("scope").GetString());
        Assert.True(token.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);

        using var centre = await web.ClientForAsync("dc-jinshui");
        var district = await centre.GetFromJsonAsync<JsonElement>("/api/scopes/district:jinshui");
        Assert.Equal("金水区", district.GetProperty("name").GetString());
        var counts = district.GetProperty("counts");
        Assert.Equal(40, counts.GetProperty("Green").GetInt32() + counts.GetProperty("Yellow").GetInt32()
            + counts.GetProperty("Orange").GetInt32() + counts.GetProperty("Red").GetInt32());
    }

    [Fact]
    public async Task The_first_board_is_served_at_the_root()
    {
        using var client = web.CreateClient();
        var response = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<html lang=\"zh-CN\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
