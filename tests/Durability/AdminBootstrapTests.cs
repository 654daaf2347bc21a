namespace MonitorGrid.Tests.Durability;

[Collection(PostgresCollection.Name)]
public sealed class AdminBootstrapTests(PostgresServer postgres)
{
    [Fact]
    public async Task The_first_start_on_an_empty_database_without_Grid_AdminPassword_fails_with_a_message_naming_it()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var host = new DurableGridHost(connectionString, adminPassword: null);
        Exception? error;
        try
        {
            error = await Record.ExceptionAsync(() => host.StartAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await DisposeQuietlyAsync(host);
        }

        Assert.NotNull(error);
        Assert.True(Messages(error).Any(m => m.Contains("Grid:AdminPassword", StringComparison.Ordinal)),
            "The start-up failure does not name Grid:AdminPassword: " + string.Join(" / ", Messages(error)));
    }

    [Fact]
    public async Task Once_the_admin_exists_a_start_without_Grid_AdminPassword_succeeds_and_the_admin_keeps_the_first_password()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using (var first = await DurableGridHost.StartAsync(connectionString))
        {
            using var admin = await first.AdminClientAsync();
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/scopes/city")).StatusCode);
        }

        await using var second = await DurableGridHost.StartAsync(connectionString, adminPassword: null);
        using var anonymous = second.CreateClient();
        var token = await anonymous.PostAsJsonAsync("/api/auth/token", new { userId = DurableGridHost.AdminId, password = DurableGridHost.AdminPassword });
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.Equal("Admin", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString());
    }

    /// <summary>The messages of an exception and everything inside it.</summary>
    private static IEnumerable<string> Messages(Exception error)
    {
        var pending = new Stack<Exception>([error]);
        while (pending.TryPop(out var e))
        {
            yield return $"{e.GetType().Name}: {e.Message}";
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (e.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }

    /// <summary>Disposes a host whose start failed; what its teardown throws is not this test's concern.</summary>
    private static async Task DisposeQuietlyAsync(DurableGridHost host)
    {
        try
        {
            await host.DisposeAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or AggregateException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
