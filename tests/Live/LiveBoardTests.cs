namespace MonitorGrid.Tests.Live;

[Collection(WebCollection.Name)]
public sealed class LiveBoardTests(GridWebFactory web)
{
    [Fact]
    public async Task A_self_harm_observation_reaches_school_and_district_boards_as_a_red_alert_and_the_city_only_as_counts()
    {
        // Test city (2 districts × 2 schools × 2 classes × 10): class erqi-02-7-1 holds S000061..S000070.
        const string student = "S000065";
        await using var school = await web.BoardForAsync("psy-erqi-02");
        await using var district = await web.BoardForAsync("dc-erqi");
        await using var city = await web.BoardForAsync("city");
        var schoolBefore = await school.WatchAsync("school:erqi-02");
        var districtBefore = await district.WatchAsync("district:erqi");
        var cityBefore = await city.WatchAsync("city");

        using var teacher = await web.ClientForAsync("ht-erqi-02-7-1");
        var response = await teacher.PostAsJsonAsync("/api/observations", new
        {
            studentId = student,
            category = "SelfHarm",
            severity = 1,
            note = "手腕有划痕",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Red", receipt.GetProperty("tier").GetString());
        var alertId = receipt.GetProperty("alertId").GetString();
        Assert.False(string.IsNullOrEmpty(alertId));

        await school.WaitUntilAsync(b => b.Alerts.Any(a => a.AlertId == alertId), what: "the school alert");
        await district.WaitUntilAsync(b => b.Alerts.Any(a => a.AlertId == alertId), what: "the district alert");
        await school.WaitUntilAsync(b => b.Statuses.Any(s => s.Counts.Red == schoolBefore.Counts.Red + 1), what: "the school status");
        await district.WaitUntilAsync(b => b.Statuses.Any(s => s.Counts.Red == districtBefore.Counts.Red + 1), what: "the district status");
        await city.WaitUntilAsync(b => b.Statuses.Any(s => s.Counts.Red == cityBefore.Counts.Red + 1), what: "the city status");
        await BoardClient.SettleAsync();

        var schoolAlert = Assert.Single(school.Alerts, a => a.StudentId == student);
        Assert.Equal(Tier.Red, schoolAlert.Tier);
        Assert.Equal(Tier.Green, schoolAlert.PreviousTier);
        Assert.Equal(Category.SelfHarm, schoolAlert.Category);
        Assert.Equal(AlertState.Open, schoolAlert.State);
        Assert.Equal(AlertChange.Raised, schoolAlert.Change);
        Assert.Equal(("erqi-02-7-1", "erqi-02", "erqi"), (schoolAlert.ClassId, schoolAlert.SchoolId, schoolAlert.DistrictId));
        Assert.Equal(schoolAlert, Assert.Single(district.Alerts, a => a.StudentId == student));

        Assert.Empty(city.Alerts);
        Assert.All(city.Statuses, s => Assert.Empty(s.OpenAlerts));
        var lastDistrict = district.Statuses[^1];
        Assert.Contains(lastDistrict.OpenAlerts, a => a.AlertId == alertId);
        Assert.All(lastDistrict.OpenAlerts, a => Assert.True(a.Tier >= Tier.Orange));
    }
}
