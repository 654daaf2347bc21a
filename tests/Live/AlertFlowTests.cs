namespace MonitorGrid.Tests.Live;

[Collection(WebCollection.Name)]
public sealed class AlertFlowTests(GridWebFactory web)
{
    [Fact]
    public async Task Each_scope_receives_exactly_the_alert_events_the_contract_gives_it_from_raise_to_resolve()
    {
        const string p = "flow";
        await RosterBuilder.CreateAsync(web, p, students: 2);
        var student = $"{p}-s1";
        await using var classBoard = await web.BoardForAsync($"{p}-ht", RosterBuilder.StaffPassword);
        await using var schoolBoard = await web.BoardForAsync($"{p}-psy", RosterBuilder.StaffPassword);
        await using var districtBoard = await web.BoardForAsync($"{p}-dc", RosterBuilder.StaffPassword);
        await using var cityBoard = await web.BoardForAsync("city");
        await classBoard.WatchAsync($"class:{p}-c");
        await schoolBoard.WatchAsync($"school:{p}-h");
        await districtBoard.WatchAsync($"district:{p}-d");
        await cityBoard.WatchAsync("city");
        using var headTeacher = await web.ClientForAsync($"{p}-ht", RosterBuilder.StaffPassword);
        using var subjectTeacher = await web.ClientForAsync($"{p}-st", RosterBuilder.StaffPassword);
        using var psych = await web.ClientForAsync($"{p}-psy", RosterBuilder.StaffPassword);

        // Yellow: 3 points. Class and school see it; the district does not.
        var yellow = await RosterBuilder.ObserveAsync(headTeacher, student, "Withdrawal", 2);
        Assert.Equal("Yellow", yellow.GetProperty("tier").GetString());
        var alertId = yellow.GetProperty("alertId").GetString()!;
        await schoolBoard.WaitUntilAsync(b => b.Alerts.Count == 1, what: "the Yellow alert");

        // Orange: 3 + 6 = 9 points (two observers within 7 days: ×1.5 = 13.5, still Orange).
        var orange = await RosterBuilder.ObserveAsync(subjectTeacher, student, "Behavior", 3);
        Assert.Equal("Orange", orange.GetProperty("tier").GetString());
        Assert.Equal(alertId, orange.GetProperty("alertId").GetString());

        // Red at once on a self-harm sign.
        var red = await RosterBuilder.ObserveAsync(headTeacher, student, "SelfHarm", 1);
        Assert.Equal("Red", red.GetProperty("tier").GetString());
        Assert.Equal(alertId, red.GetProperty("alertId").GetString());

        var acknowledged = await headTeacher.PostAsync($"/api/alerts/{alertId}/acknowledge", null);
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        var resolved = await psych.PostAsJsonAsync($"/api/alerts/{alertId}/resolve", new { note = "已谈话，转介家长陪同就医" });
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var summary = await resolved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Resolved", summary.GetProperty("state").GetString());

        await districtBoard.WaitUntilAsync(b => b.Alerts.Count == 4, what: "four district events");
        await classBoard.WaitUntilAsync(b => b.Alerts.Count == 5, what: "five class events");
        await schoolBoard.WaitUntilAsync(b => b.Alerts.Count == 5, what: "five school events");
        await BoardClient.SettleAsync();

        (AlertChange, Tier, Tier, AlertState)[] all =
        [
            (AlertChange.Raised, Tier.Yellow, Tier.Green, AlertState.Open),
            (AlertChange.Escalated, Tier.Orange, Tier.Yellow, AlertState.Open),
            (AlertChange.Escalated, Tier.Red, Tier.Orange, AlertState.Open),
            (AlertChange.Acknowledged, Tier.Red, Tier.Orange, AlertState.Acknowledged),
            (AlertChange.Resolved, Tier.Red, Tier.Orange, AlertState.Resolved),
        ];
        Assert.Equal(all, classBoard.Alerts.Select(Shape));
        Assert.Equal(all, schoolBoard.Alerts.Select(Shape));
        Assert.Equal(all[1..], districtBoard.Alerts.Select(Shape));
        Assert.All(classBoard.Alerts, a => Assert.Equal(alertId, a.AlertId));
        Assert.Empty(cityBoard.Alerts);

        // The episode is closed: everyone is Green again and no alert is open anywhere.
        var lastClass = classBoard.Statuses[^1];
        Assert.Equal(new TierCounts(2, 0, 0, 0), lastClass.Counts);
        Assert.Empty(lastClass.OpenAlerts);
        Assert.Empty(districtBoard.Statuses[^1].OpenAlerts);
    }

    [Fact]
    public async Task Status_pushes_are_coalesced_to_ten_a_second_and_the_last_one_is_the_final_state()
    {
        const string p = "coalesce";
        await RosterBuilder.CreateAsync(web, p, students: 40);
        await using var board = await web.BoardForAsync($"{p}-ht", RosterBuilder.StaffPassword);
        await board.WatchAsync($"class:{p}-c");
        using var teacher = await web.ClientForAsync($"{p}-ht", RosterBuilder.StaffPassword);

        var started = DateTimeOffset.UtcNow;
        await Task.WhenAll(Enumerable.Range(1, 40).Select(i =>
            RosterBuilder.ObserveAsync(teacher, $"{p}-s{i}", "SelfHarm", 1)));
        await board.WaitUntilAsync(b => b.Statuses.Count > 0 && b.Statuses[^1].Counts.Red == 40, what: "the final status");
        var finished = DateTimeOffset.UtcNow;
        await BoardClient.SettleAsync();

        // 40 changes; pushes at least 100 ms apart, the first at once: at most 10 a second plus that first.
        var pushes = board.TimedStatuses.Where(s => s.At >= started).ToList();
        var allowed = (int)Math.Ceiling((finished - started).TotalSeconds * 10) + 1;
        Assert.InRange(pushes.Count, 1, Math.Min(allowed, 39));
        using var read = await web.ClientForAsync($"{p}-ht", RosterBuilder.StaffPassword);
        var current = await read.GetFromJsonAsync<JsonElement>($"/api/scopes/class:{p}-c");
        Assert.Equal(40, current.GetProperty("counts").GetProperty("Red").GetInt32());
        Assert.Equal(40, board.Statuses[^1].OpenAlerts.Length);
        Assert.Equal(40, board.Alerts.Count);
    }

    [Fact]
    public async Task After_unwatch_a_board_receives_nothing_more_for_that_scope()
    {
        const string p = "unwatch";
        await RosterBuilder.CreateAsync(web, p, students: 2);
        await using var board = await web.BoardForAsync($"{p}-psy", RosterBuilder.StaffPassword);
        await board.WatchAsync($"school:{p}-h");
        using var teacher = await web.ClientForAsync($"{p}-ht", RosterBuilder.StaffPassword);
        await RosterBuilder.ObserveAsync(teacher, $"{p}-s1", "SelfHarm", 2);
        await board.WaitUntilAsync(b => b.Alerts.Count == 1, what: "the first alert");

        await board.UnwatchAsync($"school:{p}-h");
        await BoardClient.SettleAsync();
        var statuses = board.Statuses.Count;
        await RosterBuilder.ObserveAsync(teacher, $"{p}-s2", "SelfHarm", 2);
        await BoardClient.SettleAsync();

        Assert.Single(board.Alerts);
        Assert.Equal(statuses, board.Statuses.Count);
    }

    [Fact]
    public async Task Watch_returns_the_current_snapshot_and_refuses_unknown_or_malformed_scopes()
    {
        const string p = "snapshot";
        await RosterBuilder.CreateAsync(web, p, students: 3);
        using var teacher = await web.ClientForAsync($"{p}-ht", RosterBuilder.StaffPassword);
        var receipt = await RosterBuilder.ObserveAsync(teacher, $"{p}-s2", "Mood", 3);
        await using var board = await web.BoardForAsync($"{p}-dc", RosterBuilder.StaffPassword);

        var snapshot = await board.WatchAsync($"class:{p}-c");

        Assert.Equal($"class:{p}-c", snapshot.Scope);
        Assert.Equal("八(1)班", snapshot.Name);
        Assert.Equal(new TierCounts(2, 1, 0, 0), snapshot.Counts);
        Assert.Equal(receipt.GetProperty("alertId").GetString(), Assert.Single(snapshot.OpenAlerts).AlertId);
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => board.WatchAsync("class:no-such-class"));
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => board.WatchAsync("class:"));
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => board.WatchAsync("galaxy:far"));
    }

    private static (AlertChange, Tier, Tier, AlertState) Shape(AlertEvent a) => (a.Change, a.Tier, a.PreviousTier, a.State);
}
